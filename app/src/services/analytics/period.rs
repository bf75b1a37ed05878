//! The days a report covers: dates as the business's staff read them on their own clock,
//! turned into the UTC instants the database stores.

use chrono::{DateTime, Days, Duration, NaiveDate, NaiveTime, Offset, TimeZone, Utc};
use chrono_tz::Tz;

use crate::{
    dto::AnalyticsQuery,
    error::{ServiceError, Validator},
};

/// Days in a report when none are asked for: the last 30, today included.
pub const DEFAULT_DAYS: u64 = 30;
/// A leap year and no more: longer ranges belong in an export, not on a page.
pub const MAX_DAYS: u64 = 366;

/// A checked range of local days, both ends included.
#[derive(Debug, Clone, PartialEq)]
pub struct Period {
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// Local midnight at the start of `from`.
    pub start: DateTime<Utc>,
    /// Local midnight after `to`: the range is `start..end`.
    pub end: DateTime<Utc>,
    /// The zone's offsets east of UTC in minutes, each from the instant it took effect: the
    /// first applies to everything before the second. More than one only when the clocks
    /// change inside the range.
    pub offsets: Vec<(DateTime<Utc>, i32)>,
    pub zone: Tz,
}

impl Period {
    /// Reads `from` and `to` (`YYYY-MM-DD`), defaulting to the 30 days up to today in `zone`.
    pub fn parse(query: &AnalyticsQuery, zone: Tz, now: DateTime<Utc>) -> Result<Self, ServiceError> {
        let mut check = Validator::default();
        let mut date = |field: &str, raw: &Option<String>| {
            let raw = raw.as_deref().map(str::trim).filter(|raw| !raw.is_empty())?;
            let parsed = NaiveDate::parse_from_str(raw, "%Y-%m-%d").ok();
            check.check(parsed.is_some(), field, "use a date like 2026-11-30");
            parsed
        };
        let from = date("from", &query.from);
        let to = date("to", &query.to);
        check.finish()?;

        let today = now.with_timezone(&zone).date_naive();
        let to = to.unwrap_or(today);
        let from = from.unwrap_or_else(|| to - Days::new(DEFAULT_DAYS - 1));
        let mut check = Validator::default();
        check.check(from <= to, "from", "start on or before the last day");
        let days = (to - from).num_days() + 1;
        check.check(days <= MAX_DAYS as i64, "to", format!("choose at most {MAX_DAYS} days"));
        check.finish()?;
        let after = to
            .checked_add_days(Days::new(1))
            .ok_or_else(|| ServiceError::field("to", "choose an earlier date"))?;
        let (start, end) = (midnight(from, zone), midnight(after, zone));
        Ok(Self {
            from,
            to,
            start,
            end,
            offsets: offsets(zone, start, end),
            zone,
        })
    }

    /// Each day of the range with the instants it begins and ends.
    pub fn day_bounds(&self) -> impl Iterator<Item = (NaiveDate, DateTime<Utc>, DateTime<Utc>)> + use<> {
        let zone = self.zone;
        self.days().map(move |day| {
            let next = day.succ_opt().unwrap_or(day);
            (day, midnight(day, zone), midnight(next, zone))
        })
    }

    /// This period's clock (zone and offsets) over `start..end` only, for reading part of it;
    /// `from` and `to` stay the whole report's.
    pub fn within(&self, start: DateTime<Utc>, end: DateTime<Utc>) -> Period {
        Period {
            start,
            end,
            ..self.clone()
        }
    }

    pub fn days(&self) -> impl Iterator<Item = NaiveDate> + use<> {
        self.from.iter_days().take_while({
            let to = self.to;
            move |day| *day <= to
        })
    }
}

/// When `day` begins in `zone`. Where the clocks skip midnight the day begins at the first
/// minute that exists.
fn midnight(day: NaiveDate, zone: Tz) -> DateTime<Utc> {
    let start = day.and_time(NaiveTime::MIN);
    (0..=8)
        .find_map(|quarter| {
            zone.from_local_datetime(&(start + Duration::minutes(15 * quarter)))
                .earliest()
        })
        .map_or_else(|| start.and_utc(), |at| at.with_timezone(&Utc))
}

fn offset_at(zone: Tz, at: DateTime<Utc>) -> i32 {
    zone.offset_from_utc_datetime(&at.naive_utc()).fix().local_minus_utc() / 60
}

/// The offsets in force between `start` and `end`, each with the second it began. Zones
/// change their clocks at most a few times a year, so looking twice a day finds every change
/// and a bisection pins it down.
fn offsets(zone: Tz, start: DateTime<Utc>, end: DateTime<Utc>) -> Vec<(DateTime<Utc>, i32)> {
    let mut offsets = vec![(start, offset_at(zone, start))];
    let mut at = start;
    while at < end {
        let next = (at + Duration::hours(12)).min(end);
        let current = offsets.last().map_or(0, |(_, offset)| *offset);
        let later = offset_at(zone, next);
        if later != current {
            let (mut before, mut after) = (at.timestamp(), next.timestamp());
            while after - before > 1 {
                let middle = before + (after - before) / 2;
                let unchanged =
                    DateTime::from_timestamp(middle, 0).is_some_and(|middle| offset_at(zone, middle) == current);
                if unchanged {
                    before = middle;
                } else {
                    after = middle;
                }
            }
            offsets.push((DateTime::from_timestamp(after, 0).unwrap_or(next), later));
        }
        at = next;
    }
    offsets
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(from: &str, to: &str) -> AnalyticsQuery {
        AnalyticsQuery {
            from: Some(from.into()),
            to: Some(to.into()),
            business_id: None,
        }
    }

    fn instant(text: &str) -> DateTime<Utc> {
        text.parse().unwrap()
    }

    #[test]
    fn the_default_is_the_last_thirty_local_days() {
        // 02:00 UTC on Dec 1 is still Nov 30 in New York.
        let now = instant("2026-12-01T02:00:00Z");
        let period = Period::parse(&AnalyticsQuery::default(), chrono_tz::America::New_York, now).unwrap();
        assert_eq!(period.to, NaiveDate::from_ymd_opt(2026, 11, 30).unwrap());
        assert_eq!(period.from, NaiveDate::from_ymd_opt(2026, 11, 1).unwrap());
        assert_eq!(period.days().count(), 30);
        assert_eq!(period.start, instant("2026-11-01T04:00:00Z"), "still daylight time");
        assert_eq!(period.end, instant("2026-12-01T05:00:00Z"));
        assert_eq!(
            period.offsets,
            vec![
                (instant("2026-11-01T04:00:00Z"), -240),
                (instant("2026-11-01T06:00:00Z"), -300)
            ]
        );
    }

    #[test]
    fn one_offset_when_the_clocks_stay() {
        let period = Period::parse(&query("2026-06-01", "2026-06-30"), chrono_tz::Asia::Kolkata, Utc::now()).unwrap();
        assert_eq!(period.start, instant("2026-05-31T18:30:00Z"));
        assert_eq!(period.offsets, vec![(period.start, 330)]);
    }

    #[test]
    fn bad_ranges_name_their_field() {
        let fields = |query: AnalyticsQuery| match Period::parse(&query, Tz::UTC, Utc::now()) {
            Err(ServiceError::Validation(fields)) => fields.into_keys().collect::<Vec<_>>(),
            other => panic!("expected field errors, got {other:?}"),
        };
        assert_eq!(fields(query("yesterday", "2026-13-01")), ["from", "to"]);
        assert_eq!(fields(query("2026-02-01", "2026-01-01")), ["from"]);
        assert_eq!(fields(query("2025-01-01", "2026-01-02")), ["to"]);
        assert!(Period::parse(&query("2025-01-02", "2026-01-02"), Tz::UTC, Utc::now()).is_ok());
        assert!(
            Period::parse(&query(" ", ""), Tz::UTC, Utc::now()).is_ok(),
            "blank fields mean the default"
        );
    }

    #[test]
    fn a_skipped_midnight_starts_the_day_when_the_clock_resumes() {
        // Sao Paulo moved its clocks from 00:00 to 01:00 on 2018-11-04.
        let day = NaiveDate::from_ymd_opt(2018, 11, 4).unwrap();
        assert_eq!(
            midnight(day, chrono_tz::America::Sao_Paulo),
            instant("2018-11-04T03:00:00Z")
        );
    }
}
