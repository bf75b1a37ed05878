//! Instants as the dashboard shows them, written out by hand: chrono's formatter is a large
//! piece of the browser bundle for four patterns.

use chrono::{DateTime, Datelike, Timelike, Utc};

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// `Nov 26, 14:05 UTC`
pub fn day_and_time(at: DateTime<Utc>) -> String {
    format!(
        "{} {}, {} UTC",
        MONTHS[at.month0() as usize],
        at.day(),
        clock(at, false)
    )
}

/// `Nov 26, 14:05:09 UTC`
pub fn to_the_second(at: DateTime<Utc>) -> String {
    format!("{} {}, {} UTC", MONTHS[at.month0() as usize], at.day(), clock(at, true))
}

/// `14:05:09 UTC`
pub fn time_of_day(at: DateTime<Utc>) -> String {
    format!("{} UTC", clock(at, true))
}

/// `14:05 UTC`
pub fn hour_and_minute(at: DateTime<Utc>) -> String {
    format!("{} UTC", clock(at, false))
}

fn clock(at: DateTime<Utc>, seconds: bool) -> String {
    if seconds {
        format!("{:02}:{:02}:{:02}", at.hour(), at.minute(), at.second())
    } else {
        format!("{:02}:{:02}", at.hour(), at.minute())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn writes_the_dashboard_formats() {
        let at = Utc.with_ymd_and_hms(2026, 11, 6, 9, 5, 7).unwrap();
        assert_eq!(day_and_time(at), "Nov 6, 09:05 UTC");
        assert_eq!(time_of_day(at), "09:05:07 UTC");
        assert_eq!(hour_and_minute(at), "09:05 UTC");
        assert_eq!(to_the_second(at), "Nov 6, 09:05:07 UTC");
    }
}
