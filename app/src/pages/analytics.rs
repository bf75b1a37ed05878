//! Analytics (`/analytics`): a range of days in the address (so a view can be shared), the
//! headline numbers, and a card per chart — drawn on the server — with its numbers as CSV.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::{
    api::{AppError, analytics::load_analytics},
    dto::{AnalyticsPage, AnalyticsQuery, AnalyticsReport, ChartView},
    money,
};

#[component]
pub fn Analytics() -> impl IntoView {
    let query = use_query_map();
    let range = Memo::new(move |_| {
        let query = query.read();
        let text = |key: &str| query.get(key).filter(|value| !value.trim().is_empty());
        AnalyticsQuery {
            from: text("from"),
            to: text("to"),
            business_id: text("business_id").and_then(|id| id.parse().ok()),
        }
    });
    let page = Resource::new(move || range.get(), load_analytics);
    view! {
        <section class="analytics">
            <h1>"Analytics"</h1>
            <Transition fallback=|| view! { <p class="muted" data-test="loading">"Loading analytics…"</p> }>
                {move || page.get().map(|result| loaded(result, range.get_untracked()))}
            </Transition>
        </section>
    }
}

fn loaded(result: Result<AnalyticsPage, AppError>, asked: AnalyticsQuery) -> AnyView {
    match result {
        Ok(page) => {
            let shown = AnalyticsQuery {
                from: Some(page.report.from.to_string()),
                to: Some(page.report.to.to_string()),
                business_id: asked.business_id,
            };
            view! {
                {range_form(&shown)}
                {summary(&page.report)}
                {charts(page.charts, &shown)}
            }
            .into_any()
        }
        Err(error) => {
            let fields = error
                .fields
                .iter()
                .map(|(field, problem)| view! { <li>{format!("{field}: {problem}")}</li> })
                .collect_view();
            view! {
                {range_form(&asked)}
                <div class="error" role="alert" data-test="analytics-error">
                    <p>"The analytics could not be loaded: " {error.message}</p>
                    <ul>{fields}</ul>
                </div>
            }
            .into_any()
        }
    }
}

/// A plain GET form: the range lands in the address, works before the page is interactive,
/// and the result is a link.
fn range_form(range: &AnalyticsQuery) -> AnyView {
    let from = range.from.clone().unwrap_or_default();
    let to = range.to.clone().unwrap_or_default();
    let business = range
        .business_id
        .map(|id| view! { <input type="hidden" name="business_id" value=id /> });
    view! {
        <form class="filters range" method="get" action="/analytics" data-test="range">
            <label>"From" <input id="from" name="from" type="date" value=from /></label>
            <label>"To" <input id="to" name="to" type="date" value=to /></label>
            {business}
            <button class="button" type="submit">"Show"</button>
        </form>
    }
    .into_any()
}

fn summary(report: &AnalyticsReport) -> AnyView {
    let summary = &report.summary;
    let amount = |value: f64| {
        money::display(
            money::from_decimal(value, &report.currency).unwrap_or(0),
            &report.currency,
        )
    };
    let facts = [
        ("Orders", summary.orders.to_string(), "orders"),
        ("Revenue", amount(summary.revenue), "revenue"),
        (
            "Average order",
            summary.average_order.map_or("–".into(), amount),
            "average",
        ),
        (
            "Median time to confirm",
            span(summary.median_response_seconds),
            "response",
        ),
        (
            "Median time to deliver",
            span(summary.median_delivery_seconds),
            "delivery",
        ),
        ("New customers", summary.new_customers.to_string(), "new-customers"),
    ];
    let caption = format!("{} to {} · days in {}", report.from, report.to, report.timezone);
    let quiet = (summary.orders == 0).then(|| {
        view! { <p class="empty" data-test="no-orders">"No orders in this range."</p> }
    });
    view! {
        <p class="muted">{caption}</p>
        <dl class="summary" data-test="summary">
            {facts
                .into_iter()
                .map(|(name, value, key)| view! {
                    <div>
                        <dt>{name}</dt>
                        <dd data-test=key>{value}</dd>
                    </div>
                })
                .collect_view()}
        </dl>
        {quiet}
    }
    .into_any()
}

fn charts(charts: Vec<ChartView>, range: &AnalyticsQuery) -> AnyView {
    let mut query = format!(
        "from={}&to={}",
        range.from.as_deref().unwrap_or_default(),
        range.to.as_deref().unwrap_or_default()
    );
    if let Some(id) = range.business_id {
        query.push_str(&format!("&business_id={id}"));
    }
    view! {
        <div class="chart-grid">
            {charts.into_iter().map(|chart| chart_card(chart, &query)).collect_view()}
        </div>
    }
    .into_any()
}

fn chart_card(chart: ChartView, query: &str) -> AnyView {
    let csv = format!("/api/analytics/{}.csv?{query}", chart.key);
    let heading = format!("chart-{}", chart.key);
    let body = match chart.svg {
        Some(svg) => view! { <div class="chart" inner_html=svg></div> }.into_any(),
        None => view! { <p class="chart-empty">"No data in this range."</p> }.into_any(),
    };
    view! {
        <article class="card chart-card" data-chart=chart.key aria-labelledby=heading.clone()>
            <header class="chart-head">
                <h2 id=heading.clone()>{chart.title}</h2>
                <a class="button small quiet" href=csv download>"CSV"</a>
            </header>
            <p class="muted chart-note">{chart.description}</p>
            {body}
        </article>
    }
    .into_any()
}

/// `45 s`, `3 min 20 s`, `2 h 5 min`; a dash when nothing was timed.
fn span(seconds: Option<f64>) -> String {
    let Some(seconds) = seconds else {
        return "–".into();
    };
    let whole = seconds.round() as i64;
    match whole {
        ..60 => format!("{whole} s"),
        60..3600 if whole % 60 == 0 => format!("{} min", whole / 60),
        60..3600 => format!("{} min {} s", whole / 60, whole % 60),
        _ => format!("{} h {} min", whole / 3600, whole % 3600 / 60),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_read_like_a_clock() {
        assert_eq!(span(None), "–");
        assert_eq!(span(Some(44.6)), "45 s");
        assert_eq!(span(Some(200.0)), "3 min 20 s");
        assert_eq!(span(Some(600.0)), "10 min");
        assert_eq!(span(Some(7500.0)), "2 h 5 min");
    }
}
