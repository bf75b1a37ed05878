//! The report's charts, drawn as SVG on the server with charts-rs so the browser bundle carries
//! no charting code. The SVG uses presentation attributes only (no `<style>`, no `style=`;
//! tooltips and animations, which would add them, stay off), so the page's
//! `style-src 'self'` policy lets it render inline; the stylesheet scales it to its card and
//! recolours its text for the dark theme.

use charts_rs::{BarChart, Color, HorizontalBarChart, LineChart, Series, Symbol};
use chrono::{Datelike, NaiveDate};

use crate::{
    dto::{AnalyticsReport, DriverDeliveries, DurationPoint, ProductSales},
    error::ServiceError,
};

use super::Chart;

/// The drawing's own size; the page scales it to the card's width.
const WIDTH: f32 = 400.0;
const HEIGHT: f32 = 260.0;
/// Still readable where a phone shrinks the chart to four fifths.
const FONT_SIZE: f32 = 13.0;
/// The brand's teal first, then hues far enough apart to tell the series of a chart apart.
const PALETTE: [&str; 7] = [
    "#0f766e", "#f59e0b", "#6366f1", "#e11d48", "#0ea5e9", "#84cc16", "#64748b",
];
/// Slate grey, as the page's muted text; the grid lets most of the card show through.
const AXIS: (u8, u8, u8) = (148, 163, 184);
const GRID: (u8, u8, u8, u8) = (148, 163, 184, 80);
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// The chart as SVG, or `None` when the range holds nothing to draw.
pub fn draw(chart: Chart, report: &AnalyticsReport) -> Result<Option<String>, ServiceError> {
    drawing(chart, report)
        .transpose()
        .map(|svg| svg.map(|svg| labelled(&svg, chart)))
        .map_err(|error| ServiceError::Internal(format!("drawing the {} chart: {error}", chart.key())))
}

fn drawing(chart: Chart, report: &AnalyticsReport) -> Option<charts_rs::Result<String>> {
    match chart {
        Chart::RevenueByDay => {
            let points = &report.revenue_by_day;
            let revenue = points.iter().map(|point| point.revenue as f32).collect();
            let days = points.iter().map(|point| day(point.date)).collect();
            points
                .iter()
                .any(|point| point.orders > 0)
                .then(|| line(vec![Series::new("Revenue".into(), revenue)], days, &report.currency))
        }
        Chart::RevenueByWeek => {
            let points = &report.revenue_by_week;
            let revenue = points.iter().map(|point| point.revenue as f32).collect();
            let weeks = points.iter().map(|point| day(point.date)).collect();
            points
                .iter()
                .any(|point| point.orders > 0)
                .then(|| bars(vec![Series::new("Revenue".into(), revenue)], weeks, &report.currency))
        }
        Chart::OrdersByStatus => {
            let counts = &report.orders_by_status;
            counts.iter().any(|count| count.orders > 0).then(|| {
                // The life cycle reads from the top; charts-rs lists categories from the bottom up.
                let mut chart = HorizontalBarChart::new(
                    vec![Series::new(
                        "Orders".into(),
                        counts.iter().rev().map(|count| count.orders as f32).collect(),
                    )],
                    counts
                        .iter()
                        .rev()
                        .map(|count| status_label(count.status).to_string())
                        .collect(),
                );
                style_horizontal(&mut chart, false);
                chart.svg()
            })
        }
        Chart::TopProductsByQuantity => {
            products(&report.top_products_by_quantity, "Quantity", |product| product.quantity)
        }
        Chart::TopProductsByRevenue => products(&report.top_products_by_revenue, &report.currency, |product| {
            product.revenue
        }),
        Chart::OrdersByHour => {
            let counts = &report.orders_by_hour;
            counts.iter().any(|count| count.orders > 0).then(|| {
                bars(
                    vec![Series::new(
                        "Orders".into(),
                        counts.iter().map(|c| c.orders as f32).collect(),
                    )],
                    counts.iter().map(|count| count.hour.to_string()).collect(),
                    "Orders",
                )
            })
        }
        Chart::OrdersByWeekday => {
            let counts = &report.orders_by_weekday;
            counts.iter().any(|count| count.orders > 0).then(|| {
                bars(
                    vec![Series::new(
                        "Orders".into(),
                        counts.iter().map(|c| c.orders as f32).collect(),
                    )],
                    counts.iter().map(|count| count.weekday.clone()).collect(),
                    "Orders",
                )
            })
        }
        Chart::ResponseTimes => durations(&report.response_times),
        Chart::DeliveryTimes => durations(&report.delivery_times),
        Chart::Customers => {
            let points = &report.customers;
            points.iter().any(|point| point.new + point.returning > 0).then(|| {
                let stacked = |name: &str, values: Vec<f32>| Series {
                    stack: Some("customers".into()),
                    ..Series::new(name.into(), values)
                };
                let mut chart = BarChart::new(
                    vec![
                        stacked("New", points.iter().map(|point| point.new as f32).collect()),
                        stacked("Returning", points.iter().map(|point| point.returning as f32).collect()),
                    ],
                    points.iter().map(|point| day(point.date)).collect(),
                );
                style_bars(&mut chart, "Customers", true);
                chart.svg()
            })
        }
        Chart::DeliveriesByDriver => {
            let drivers = &report.deliveries_by_driver;
            (!drivers.is_empty()).then(|| {
                // charts-rs lists categories from the bottom up; the busiest driver goes on top.
                let values =
                    |count: fn(&DriverDeliveries) -> u64| drivers.iter().rev().map(|d| count(d) as f32).collect();
                let mut chart = HorizontalBarChart::new(
                    vec![
                        Series::new("Assigned".into(), values(|driver| driver.deliveries)),
                        Series::new("Delivered".into(), values(|driver| driver.delivered)),
                    ],
                    drivers.iter().rev().map(|driver| shortened(&driver.driver)).collect(),
                );
                style_horizontal(&mut chart, true);
                chart.svg()
            })
        }
    }
}

/// A line per series over days; a missing point leaves a gap.
fn line(series: Vec<Series>, days: Vec<String>, unit: &str) -> charts_rs::Result<String> {
    let legend = series.len() > 1;
    let mut chart = LineChart::new(series, days);
    common(&mut chart, legend);
    chart.series.symbol = Some(Symbol::None);
    chart.series.fill = !legend;
    chart.series.stroke_width = 2.0;
    for axis in &mut chart.y_axis_configs {
        axis.title = Some(unit.to_string());
        axis.font.size = FONT_SIZE;
        axis.stroke_color = Color::from(AXIS);
    }
    chart.svg()
}

fn bars(series: Vec<Series>, labels: Vec<String>, unit: &str) -> charts_rs::Result<String> {
    let mut chart = BarChart::new(series, labels);
    style_bars(&mut chart, unit, false);
    chart.svg()
}

fn style_bars(chart: &mut BarChart, unit: &str, legend: bool) {
    common(chart, legend);
    chart.radius = Some(3.0);
    for axis in &mut chart.y_axis_configs {
        axis.title = Some(unit.to_string());
        axis.font.size = FONT_SIZE;
        axis.stroke_color = Color::from(AXIS);
    }
}

fn style_horizontal(chart: &mut HorizontalBarChart, legend: bool) {
    common(chart, legend);
    for axis in &mut chart.y_axis_configs {
        axis.font.size = FONT_SIZE;
        axis.stroke_color = Color::from(AXIS);
    }
}

/// A ranked list as horizontal bars, the first place on top.
fn products(
    products: &[ProductSales],
    unit: &str,
    value: impl Fn(&ProductSales) -> f64,
) -> Option<charts_rs::Result<String>> {
    (!products.is_empty()).then(|| {
        let mut chart = HorizontalBarChart::new(
            vec![Series::new(
                unit.into(),
                products.iter().rev().map(|p| value(p) as f32).collect(),
            )],
            products.iter().rev().map(|product| shortened(&product.name)).collect(),
        );
        style_horizontal(&mut chart, false);
        chart.svg()
    })
}

/// Median and 90th percentile per day, in seconds or minutes, whichever reads better.
fn durations(points: &[DurationPoint]) -> Option<charts_rs::Result<String>> {
    if points.iter().all(|point| point.count == 0) {
        return None;
    }
    let longest = points.iter().filter_map(|point| point.p90_seconds).fold(0.0, f64::max);
    let (unit, scale) = if longest >= 120.0 {
        ("Minutes", 60.0)
    } else {
        ("Seconds", 1.0)
    };
    let values = |pick: fn(&DurationPoint) -> Option<f64>| -> Vec<Option<f32>> {
        points
            .iter()
            .map(|point| pick(point).map(|seconds| (seconds / scale) as f32))
            .collect()
    };
    Some(line(
        vec![
            Series::new_nullable("Median".into(), values(|point| point.median_seconds)),
            Series::new_nullable("90th percentile".into(), values(|point| point.p90_seconds)),
        ],
        points.iter().map(|point| day(point.date)).collect(),
        unit,
    ))
}

/// What every chart shares: its size, a transparent background (the card shows through),
/// the palette, readable type, and a legend only when there is more than one series.
fn common(chart: &mut charts_rs::ChartBase, legend: bool) {
    chart.width = WIDTH;
    chart.height = HEIGHT;
    chart.background_color = Color::transparent();
    chart.series.colors = PALETTE.iter().map(|hex| Color::from(*hex)).collect();
    chart.legend.show = Some(legend);
    chart.legend.font.size = FONT_SIZE;
    chart.x_axis.font.size = FONT_SIZE;
    // Lines that read on the light and the dark theme alike.
    chart.grid.stroke_color = Color::from(GRID);
    chart.x_axis.stroke_color = Color::from(AXIS);
    chart.compact = true;
    // Room at the edges: the page writes the labels in its own font, which may run wider
    // than the one charts-rs measured them in.
    chart.margin.left += 10.0;
    chart.margin.right += 14.0;
}

/// A name short enough to leave the bars most of the width.
fn shortened(name: &str) -> String {
    const LONGEST: usize = 20;
    if name.chars().count() <= LONGEST {
        name.to_string()
    } else {
        format!("{}…", name.chars().take(LONGEST - 1).collect::<String>().trim_end())
    }
}

/// `Nov 3`
fn day(date: NaiveDate) -> String {
    format!("{} {}", MONTHS[date.month0() as usize], date.day())
}

fn status_label(status: entity::enums::OrderStatus) -> &'static str {
    use entity::enums::OrderStatus::*;
    match status {
        Pending => "Pending",
        NeedsReview => "Needs review",
        Confirmed => "Confirmed",
        Preparing => "Preparing",
        OutForDelivery => "Out for delivery",
        Delivered => "Delivered",
        Cancelled => "Cancelled",
    }
}

/// Names the drawing for screen readers and lets the stylesheet find it.
fn labelled(svg: &str, chart: Chart) -> String {
    let label = chart
        .description()
        .replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;");
    svg.replacen(
        "<svg ",
        &format!("<svg role=\"img\" aria-label=\"{label}\" class=\"chart-svg\" "),
        1,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_names_are_cut() {
        assert_eq!(shortened("Margherita"), "Margherita");
        assert_eq!(shortened("Pizza with everything on it, twice"), "Pizza with everythi…");
    }

    #[test]
    fn a_drawing_is_named_for_screen_readers_and_has_no_styles() {
        let svg = bars(
            vec![Series::new("Orders".into(), vec![3.0, 5.0])],
            vec!["Mon".into(), "<Tue>".into()],
            "Orders",
        )
        .unwrap();
        let svg = labelled(&svg, Chart::OrdersByWeekday);
        assert!(svg.starts_with("<svg role=\"img\" aria-label=\"Orders received on each day of the week.\""));
        assert!(svg.contains("viewBox=\"0 0 400 260\""));
        assert!(svg.contains("&lt;Tue&gt;"), "labels are escaped");
        assert!(!svg.contains("style"), "the page's CSP allows no inline styles");
    }
}
