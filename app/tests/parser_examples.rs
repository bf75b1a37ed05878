//! The issue's own examples and the promises around them: what is matched, what is kept when
//! nothing matches, prices the customer wrote, totals, and messages that are not orders.

mod support;

use app::parser::{Action, ParsedOrder, parse};

fn item<'a>(order: &'a ParsedOrder, product: &str) -> &'a app::parser::ParsedItem {
    order
        .items
        .iter()
        .find(|i| i.product == product)
        .unwrap_or_else(|| panic!("no {product} in {:#?}", order.items))
}

#[test]
fn reads_a_list_order_with_name_address_and_a_kitchen_note() {
    let catalog = support::catalog("pizza_en");
    let message = "Hi! This is Maria 😊\n2x Pizza Margherita (large)\n1 coke 2L\ngarlic bread\nAddress: 123 Main St, Apt 4B\nno onions on the pizza pls";
    let order = parse(message, &catalog);
    assert_eq!(order.customer_name.as_deref(), Some("Maria"));
    assert_eq!(order.address.as_deref(), Some("123 Main St, Apt 4B"));
    assert_eq!(order.notes.as_deref(), Some("no onions on the pizza pls"));
    let pizza = item(&order, "Pizza Margherita");
    assert_eq!((pizza.quantity, pizza.variant.as_deref()), (2.0, Some("Large")));
    assert_eq!(pizza.modifiers[0].name, "Onions");
    assert_eq!(pizza.modifiers[0].action, Action::Remove);
    assert_eq!(pizza.text, "2x Pizza Margherita (large)");
    assert_eq!(item(&order, "Coke").variant.as_deref(), Some("2L"));
    assert_eq!(item(&order, "Garlic Bread").quantity, 1.0);
    assert!(order.unmatched.is_empty());
    assert!(order.confidence >= 0.9, "{}", order.confidence);
    let sum: f64 = order.items.iter().map(|i| i.line_total).sum();
    assert!((order.subtotal - sum).abs() < 1e-9);
    assert_eq!(order.total, order.subtotal + order.delivery_fee);
}

#[test]
fn binds_toppings_to_the_right_item_in_a_sentence() {
    let catalog = support::catalog("pizza_en");
    let order = parse(
        "a large margherita with extra cheese but no olives and two cokes",
        &catalog,
    );
    let pizza = item(&order, "Pizza Margherita");
    assert_eq!(pizza.variant.as_deref(), Some("Large"));
    let actions: Vec<(&str, Action)> = pizza.modifiers.iter().map(|m| (m.name.as_str(), m.action)).collect();
    assert!(actions.contains(&("Extra Cheese", Action::Extra)), "{actions:?}");
    assert!(actions.contains(&("Black Olives", Action::Remove)), "{actions:?}");
    let cokes = item(&order, "Coke");
    assert_eq!(cokes.quantity, 2.0);
    assert!(cokes.modifiers.is_empty());
}

#[test]
fn keeps_what_names_nothing_instead_of_dropping_it() {
    let catalog = support::catalog("pizza_en");
    let order = parse(
        "i want two medium pizzas with sausage and black olives and a two liter coke",
        &catalog,
    );
    assert_eq!(item(&order, "Coke").variant.as_deref(), Some("2L"));
    assert_eq!(order.unmatched.len(), 1, "{:?}", order.unmatched);
    assert!(order.unmatched[0].contains("pizzas"));
    assert!(
        order.confidence < 0.9,
        "doubtful orders go to review: {}",
        order.confidence
    );

    let order = parse("1 large pepperoni\n1 sushi platter", &catalog);
    assert_eq!(order.unmatched, vec!["1 sushi platter".to_string()]);
    assert_eq!(order.items.len(), 1);
}

#[test]
fn reads_the_five_languages() {
    let cases = [
        (
            "pizzaria_pt",
            "boa noite! queria 2 pizzas calabresa grandes e 1 guaraná 2L, entregar na Rua das Flores 45 ap 12, obrigada",
            vec![("Pizza Calabresa", 2.0, Some("Grande")), ("Guaraná", 1.0, Some("2L"))],
            Some("Rua das Flores 45 ap 12"),
        ),
        (
            "dhaba_hi",
            "bhaiya 2 paneer tikka full aur ek coke bhej do, flat 302 Sunrise Apts",
            vec![("Paneer Tikka", 2.0, Some("Full")), ("Coke", 1.0, None)],
            Some("flat 302 Sunrise Apts"),
        ),
        (
            "warung_id",
            "kak pesan nasi goreng 3 porsi pakai telur sama es teh 2, alamat Jl. Melati No. 7",
            vec![("Nasi Goreng", 3.0, None), ("Es Teh", 2.0, None)],
            Some("Jl. Melati No. 7"),
        ),
        (
            "panaderia_es",
            "media docena de facturas y 1/2 kg de queso",
            vec![("Factura", 6.0, None), ("Queso", 0.5, None)],
            None,
        ),
    ];
    for (catalog, message, items, address) in cases {
        let order = parse(message, &support::catalog(catalog));
        let got: Vec<(&str, f64, Option<&str>)> = order
            .items
            .iter()
            .map(|i| (i.product.as_str(), i.quantity, i.variant.as_deref()))
            .collect();
        assert_eq!(got, items, "{message}");
        assert_eq!(order.address.as_deref(), address, "{message}");
        assert!(order.unmatched.is_empty(), "{message}: {:?}", order.unmatched);
    }
    let order = parse(
        "kak pesan nasi goreng 3 porsi pakai telur",
        &support::catalog("warung_id"),
    );
    let rice = item(&order, "Nasi Goreng");
    assert_eq!(rice.unit.as_deref(), Some("portion"));
    assert_eq!(rice.modifiers[0].name, "Telur");
    let order = parse("1/2 kg de queso", &support::catalog("panaderia_es"));
    assert_eq!(item(&order, "Queso").unit.as_deref(), Some("kg"));
}

#[test]
fn messages_that_are_not_orders_have_no_items() {
    let catalog = support::catalog("pizza_en");
    for message in [
        "thanks!",
        "are you open on Sunday?",
        "do you have margherita?",
        "👍",
        "ok see you soon",
    ] {
        let order = parse(message, &catalog);
        assert!(!order.is_order(), "{message}: {:?} {:?}", order.items, order.unmatched);
        assert_eq!(order.confidence, 0.0);
    }
}

#[test]
fn a_price_the_customer_wrote_is_checked_not_trusted() {
    let catalog = support::catalog("pizza_en");
    let order = parse("1 large pepperoni $10", &catalog);
    let pizza = item(&order, "Pizza Pepperoni");
    assert!(pizza.unit_price > 10.0, "the catalog price wins");
    assert_eq!(order.warnings.len(), 1, "{:?}", order.warnings);
    assert!(order.warnings[0].contains("10.00"));

    let right = format!("1 large pepperoni ${:.2}", pizza.unit_price);
    assert!(parse(&right, &catalog).warnings.is_empty());
}

#[test]
fn prices_variants_modifiers_weights_and_the_delivery_fee() {
    let file = support::catalog_file("panaderia_es");
    let catalog = app::parser::Catalog::from_file(&file, 500.0).unwrap();
    let cheese = file.products.iter().find(|p| p.name == "Queso").unwrap().price;
    let order = parse("500 g de queso", &catalog);
    let line = item(&order, "Queso");
    assert_eq!((line.quantity, line.unit.as_deref()), (0.5, Some("kg")));
    assert!((line.line_total - cheese / 2.0).abs() < 0.01);
    assert_eq!(order.delivery_fee, 500.0);
    assert!((order.total - (line.line_total + 500.0)).abs() < 0.01);
    assert_eq!(parse("gracias!", &catalog).delivery_fee, 0.0, "no fee without items");
}

#[test]
fn a_line_of_fields_splits_at_its_separators() {
    let catalog = support::catalog("pizzaria_pt");
    let order = parse(
        "1 pizza calabresa grande\nNome: Ana Souza | Endereço: Rua Tupi 55 | Tel: 11 98765-4321",
        &catalog,
    );
    assert_eq!(order.customer_name.as_deref(), Some("Ana Souza"));
    assert_eq!(order.address.as_deref(), Some("Rua Tupi 55"));
    assert_eq!(order.phone.as_deref(), Some("11987654321"));
}

#[test]
fn a_count_that_names_a_pack_is_the_pack() {
    let catalog = support::catalog("pizza_en");
    let wings = parse("and 6 wings", &catalog);
    let wings = item(&wings, "Chicken Wings");
    assert_eq!((wings.quantity, wings.variant.as_deref()), (1.0, Some("6 pcs")));
    let two = parse("2 wings", &catalog);
    let two = item(&two, "Chicken Wings");
    assert_eq!(
        (two.quantity, two.variant.as_deref()),
        (2.0, None),
        "no pack of two: two of them"
    );
    let cokes = parse("2 cokes", &catalog);
    assert_eq!(
        item(&cokes, "Coke").quantity,
        2.0,
        "a 2L bottle is a measure, not a pack"
    );
}

#[test]
fn pickup_and_payment_are_read_beside_the_items() {
    let catalog = support::catalog("pizza_en");
    let order = parse(
        "2 large pepperoni\nto 12 Harbour Rd, paying cash, change for 50\nring the bell",
        &catalog,
    );
    assert_eq!(order.address.as_deref(), Some("12 Harbour Rd"));
    assert_eq!(order.payment_method, Some(app::parser::PaymentMethod::Cash));
    assert_eq!(order.cash_change_for, Some(50.0));
    assert_eq!(order.notes.as_deref(), Some("ring the bell"));
    let pickup = parse("2 large pepperoni, I will pick them up, pay by card", &catalog);
    assert_eq!(pickup.fulfilment, Some(app::parser::Fulfilment::Pickup));
    assert_eq!(pickup.delivery_fee, 0.0);
    assert_eq!(pickup.total, pickup.subtotal);
    assert_eq!(pickup.notes, None, "the fields say it");
}

#[test]
fn a_house_number_after_to_is_an_address_not_a_quantity() {
    let catalog = support::catalog("pizza_en");
    let order = parse("2 large pepperoni and a coke 2L to 12 Harbour Road please", &catalog);
    assert_eq!(order.address.as_deref(), Some("12 Harbour Road"));
    let coke = item(&order, "Coke");
    assert_eq!((coke.quantity, coke.variant.as_deref()), (1.0, Some("2L")));
    let people = parse("send 2 cokes to 5 people", &catalog);
    assert_eq!(people.address, None, "no street word, no address");
}
