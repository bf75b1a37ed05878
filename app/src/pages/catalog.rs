//! The catalog (`/catalog`): every product with its sizes, extras, prices, other names and
//! availability; adding and editing one; and the whole catalog as a JSON or CSV file, both ways.

use leptos::prelude::*;

use crate::{
    api::business::{CreateProduct, DeleteProduct, ImportCatalog, UpdateProduct, list_products},
    dto::{OptionDto, ProductDto, ProductInput},
};

#[component]
pub fn CatalogPage() -> impl IntoView {
    let create = ServerAction::<CreateProduct>::new();
    let update = ServerAction::<UpdateProduct>::new();
    let delete = ServerAction::<DeleteProduct>::new();
    let import = ServerAction::<ImportCatalog>::new();
    let products = Resource::new(
        move || {
            (
                create.version().get(),
                update.version().get(),
                delete.version().get(),
                import.version().get(),
            )
        },
        |_| list_products(),
    );
    // The product being edited: none, a new one (`Some(None)`) or an existing one.
    let editing = RwSignal::new(None::<Option<ProductDto>>);
    Effect::new(move |_| {
        if matches!(create.value().get(), Some(Ok(_))) || matches!(update.value().get(), Some(Ok(_))) {
            editing.set(None);
        }
    });
    view! {
        <header class="board-head">
            <h1>"Catalog"</h1>
            <div class="actions">
                <button class="button small" data-test="new-product" on:click=move |_| editing.set(Some(None))>
                    "Add a product"
                </button>
                <a class="button small quiet" href="/api/products/export?format=json" download="catalog.json">"Export JSON"</a>
                <a class="button small quiet" href="/api/products/export?format=csv" download="catalog.csv">"Export CSV"</a>
            </div>
        </header>
        <Importer import />
        {move || editing.get().map(|product| view! { <ProductForm product create update cancel=move || editing.set(None) /> })}
        <Transition fallback=|| view! { <p class="muted">"Loading the catalog…"</p> }>
            {move || products.get().map(|loaded| match loaded {
                Err(error) => view! { <p class="error" role="alert">"The catalog could not be loaded: " {error.message}</p> }.into_any(),
                Ok(products) if products.is_empty() => view! {
                    <p class="empty" data-test="empty">"No products yet. Add them one by one or import a file."</p>
                }
                .into_any(),
                Ok(products) => product_table(products, editing, update, delete),
            })}
        </Transition>
    }
}

fn product_table(
    products: Vec<ProductDto>,
    editing: RwSignal<Option<Option<ProductDto>>>,
    update: ServerAction<UpdateProduct>,
    delete: ServerAction<DeleteProduct>,
) -> AnyView {
    let rows = products
        .into_iter()
        .map(|product| product_row(product, editing, update, delete))
        .collect_view();
    view! {
        {move || delete.value().get().and_then(Result::err).map(|error| view! { <p class="error" role="alert">{error.message}</p> })}
        <div class="table-scroll">
            <table class="catalog" data-test="products">
                <thead>
                    <tr>
                        <th scope="col">"Product"</th>
                        <th scope="col" class="number">"Price"</th>
                        <th scope="col">"Sizes and extras"</th>
                        <th scope="col">"Available"</th>
                        <th scope="col"><span class="visually-hidden">"Actions"</span></th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
    .into_any()
}

fn product_row(
    product: ProductDto,
    editing: RwSignal<Option<Option<ProductDto>>>,
    update: ServerAction<UpdateProduct>,
    delete: ServerAction<DeleteProduct>,
) -> AnyView {
    let id = product.id;
    let options = [("Sizes", &product.variants), ("Extras", &product.modifiers)]
        .into_iter()
        .filter(|(_, list)| !list.is_empty())
        .map(|(what, list)| {
            let names = list
                .iter()
                .map(|option| format!("{} {:.2}", option.name, option.price))
                .collect::<Vec<_>>()
                .join(", ");
            view! { <p class="muted">{format!("{what}: {names}")}</p> }
        })
        .collect_view();
    let aliases = (!product.aliases.is_empty()).then(|| {
        let text = format!("Also: {}", product.aliases.join(", "));
        view! { <p class="muted">{text}</p> }
    });
    let confirming = RwSignal::new(false);
    let available = product.is_available;
    let edited = product.clone();
    view! {
        <tr data-product=product.name.clone()>
            <td>
                <strong>{product.name.clone()}</strong>
                {product.category.clone().map(|category| view! { <p class="muted">{category}</p> })}
                {aliases}
            </td>
            <td class="number">{format!("{:.2}", product.price)}</td>
            <td>{options}</td>
            <td>
                <input
                    type="checkbox"
                    aria-label=format!("{} available", product.name)
                    checked=available
                    on:change=move |event| {
                        let product = ProductInput { is_available: Some(event_target_checked(&event)), ..Default::default() };
                        update.dispatch(UpdateProduct { id, product });
                    }
                />
            </td>
            <td class="row-actions">
                <button class="button small quiet" data-test="edit-product" on:click=move |_| editing.set(Some(Some(edited.clone())))>
                    "Edit"
                </button>
                <button
                    class="button small quiet"
                    data-test="delete-product"
                    on:click=move |_| {
                        if confirming.get_untracked() {
                            delete.dispatch(DeleteProduct { id });
                        } else {
                            confirming.set(true);
                        }
                    }
                >
                    {move || if confirming.get() { "Really delete?" } else { "Delete" }}
                </button>
            </td>
        </tr>
    }
    .into_any()
}

/// Adds a product (`product` is `None`) or edits one.
#[component]
fn ProductForm(
    product: Option<ProductDto>,
    create: ServerAction<CreateProduct>,
    update: ServerAction<UpdateProduct>,
    cancel: impl Fn() + Copy + 'static,
) -> impl IntoView {
    let id = product.as_ref().map(|product| product.id);
    let start = product.unwrap_or(ProductDto {
        id: 0,
        name: String::new(),
        category: None,
        description: None,
        price: 0.0,
        variants: Vec::new(),
        modifiers: Vec::new(),
        aliases: Vec::new(),
        is_available: true,
        sort_order: 0,
    });
    let name = RwSignal::new(start.name.clone());
    let category = RwSignal::new(start.category.clone().unwrap_or_default());
    let price = RwSignal::new(format!("{:.2}", start.price));
    let variants = RwSignal::new(options_text(&start.variants));
    let modifiers = RwSignal::new(options_text(&start.modifiers));
    let aliases = RwSignal::new(start.aliases.join(", "));
    let mistake = RwSignal::new(None::<String>);
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let read = || -> Result<ProductInput, String> {
            Ok(ProductInput {
                name: Some(name.get_untracked()),
                category: Some(category.get_untracked()),
                price: Some(
                    price
                        .get_untracked()
                        .trim()
                        .parse()
                        .map_err(|_| "the price is not a number".to_string())?,
                ),
                variants: Some(parse_options(&variants.get_untracked())?),
                modifiers: Some(parse_options(&modifiers.get_untracked())?),
                aliases: Some(list(&aliases.get_untracked())),
                ..Default::default()
            })
        };
        match (read(), id) {
            (Err(problem), _) => mistake.set(Some(problem)),
            (Ok(product), Some(id)) => {
                mistake.set(None);
                update.dispatch(UpdateProduct { id, product });
            }
            (Ok(product), None) => {
                mistake.set(None);
                create.dispatch(CreateProduct { product });
            }
        }
    };
    let failure = move || {
        let result = if id.is_some() {
            update.value().get()
        } else {
            create.value().get()
        };
        let server = result.and_then(Result::err).map(|error| error.described());
        mistake
            .get()
            .or(server)
            .map(|text| view! { <p class="error" role="alert">{text}</p> })
    };
    view! {
        <form class="card form" data-test="product-form" on:submit=submit>
            <h2>{if id.is_some() { "Edit the product" } else { "New product" }}</h2>
            <label for="product-name">"Name"</label>
            <input id="product-name" data-test="product-name" required bind:value=name />
            <label for="product-category">"Category"</label>
            <input id="product-category" bind:value=category />
            <label for="product-price">"Price"</label>
            <input id="product-price" data-test="product-price" inputmode="decimal" bind:value=price />
            <label for="product-variants">"Sizes — one per line: name = price; other names"</label>
            <textarea id="product-variants" data-test="product-variants" rows="3" placeholder="Large = 14.50; big, grande" bind:value=variants></textarea>
            <label for="product-modifiers">"Extras — one per line: name = price; other names"</label>
            <textarea id="product-modifiers" rows="3" placeholder="Extra cheese = 1.50" bind:value=modifiers></textarea>
            <label for="product-aliases">"Other names customers use, separated by commas"</label>
            <input id="product-aliases" bind:value=aliases />
            {failure}
            <div class="actions">
                <button class="button" type="submit" data-test="save-product">"Save"</button>
                <button class="button quiet" type="button" on:click=move |_| cancel()>"Cancel"</button>
            </div>
        </form>
    }
}

/// Reads a JSON or CSV file chosen in the browser and sends its text to the import.
#[component]
fn Importer(import: ServerAction<ImportCatalog>) -> impl IntoView {
    let reading = RwSignal::new(None::<String>);
    let chosen = move |event: leptos::ev::Event| {
        #[cfg(feature = "hydrate")]
        browser_file::read(event, import, reading);
        #[cfg(not(feature = "hydrate"))]
        let _ = event;
    };
    let outcome = move || {
        reading
            .get()
            .map(|problem| view! { <p class="error" role="alert">{problem}</p> }.into_any())
            .or_else(|| {
                import.value().get().map(|result| match result {
                    Ok(report) => view! {
                        <p role="status" data-test="imported">
                            {format!("Imported: {} new, {} updated.", report.created, report.updated)}
                        </p>
                    }
                    .into_any(),
                    Err(error) => view! { <p class="error" role="alert">{error.described()}</p> }.into_any(),
                })
            })
    };
    view! {
        <div class="picker">
            <label for="import-file">"Import a catalog file (JSON or CSV)"</label>
            <input id="import-file" type="file" accept=".json,.csv,application/json,text/csv" data-test="import-file" on:change=chosen />
        </div>
        {outcome}
    }
}

#[cfg(feature = "hydrate")]
mod browser_file {
    use leptos::{prelude::*, task::spawn_local};
    use wasm_bindgen::JsCast;

    use crate::api::business::ImportCatalog;

    pub fn read(event: leptos::ev::Event, import: ServerAction<ImportCatalog>, problem: RwSignal<Option<String>>) {
        let Some(file) = event
            .target()
            .and_then(|target| target.dyn_into::<web_sys::HtmlInputElement>().ok())
            .and_then(|input| input.files())
            .and_then(|files| files.get(0))
        else {
            return;
        };
        let csv = file.name().to_lowercase().ends_with(".csv");
        spawn_local(async move {
            match wasm_bindgen_futures::JsFuture::from(file.text()).await {
                Ok(text) => {
                    problem.set(None);
                    import.dispatch(ImportCatalog {
                        csv,
                        text: text.as_string().unwrap_or_default(),
                    });
                }
                Err(_) => problem.set(Some("The file could not be read.".into())),
            }
        });
    }
}

/// Options as the form shows them: `name = price; alias, alias`, one per line.
pub fn options_text(options: &[OptionDto]) -> String {
    options
        .iter()
        .map(|option| {
            let mut line = format!("{} = {:.2}", option.name, option.price);
            if !option.aliases.is_empty() {
                line.push_str(&format!("; {}", option.aliases.join(", ")));
            }
            line
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The inverse of `options_text`; a line without a price costs nothing extra.
pub fn parse_options(text: &str) -> Result<Vec<OptionDto>, String> {
    text.lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .map(|line| {
            let (option, aliases) = line.split_once(';').unwrap_or((line, ""));
            let (name, price) = option.split_once('=').unwrap_or((option, "0"));
            let price = price
                .trim()
                .parse::<f64>()
                .map_err(|_| format!("“{}”: the price is not a number", name.trim()))?;
            Ok(OptionDto {
                name: name.trim().to_string(),
                price,
                aliases: list(aliases),
            })
        })
        .collect()
}

fn list(text: &str) -> Vec<String> {
    text.split(',')
        .map(str::trim)
        .filter(|word| !word.is_empty())
        .map(str::to_string)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_survive_the_form() {
        let options = vec![
            OptionDto {
                name: "Large".into(),
                price: 14.5,
                aliases: vec!["big".into(), "grande".into()],
            },
            OptionDto {
                name: "Small".into(),
                price: 0.0,
                aliases: vec![],
            },
        ];
        assert_eq!(parse_options(&options_text(&options)), Ok(options));
        assert_eq!(parse_options("Extra cheese\n\n").unwrap()[0].price, 0.0);
        assert!(parse_options("Large = lots").unwrap_err().contains("Large"));
    }
}
