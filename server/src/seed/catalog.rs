//! Pizza Palace's menu, prices in US cents.

/// (name, price) pairs for a product's variants or modifiers.
pub type Priced = &'static [(&'static str, i64)];

pub struct DemoProduct {
    pub name: &'static str,
    pub category: &'static str,
    pub base_price: i64,
    pub variants: Priced,
    pub modifiers: Priced,
    pub aliases: &'static [&'static str],
}

const PIZZA_TOPPINGS: Priced = &[
    ("Extra cheese", 150),
    ("Mushrooms", 100),
    ("Black olives", 100),
    ("Sausage", 150),
    ("Jalapeños", 75),
    ("Onions", 50),
];

const fn pizza(name: &'static str, small: i64, aliases: &'static [&'static str]) -> DemoProduct {
    DemoProduct {
        name,
        category: "Pizza",
        base_price: small,
        variants: match small {
            999 => &[("Small", 999), ("Medium", 1299), ("Large", 1599)],
            1099 => &[("Small", 1099), ("Medium", 1399), ("Large", 1699)],
            _ => &[("Small", 1199), ("Medium", 1499), ("Large", 1799)],
        },
        modifiers: PIZZA_TOPPINGS,
        aliases,
    }
}

const fn simple(
    name: &'static str,
    category: &'static str,
    price: i64,
    aliases: &'static [&'static str],
) -> DemoProduct {
    DemoProduct {
        name,
        category,
        base_price: price,
        variants: &[],
        modifiers: &[],
        aliases,
    }
}

const fn drink(name: &'static str, aliases: &'static [&'static str]) -> DemoProduct {
    DemoProduct {
        name,
        category: "Drinks",
        base_price: 199,
        variants: &[("Can", 199), ("2L", 349)],
        modifiers: &[],
        aliases,
    }
}

pub const PRODUCTS: &[DemoProduct] = &[
    pizza("Pizza Margherita", 999, &["margherita", "margarita", "marguerita"]),
    pizza("Pizza Pepperoni", 1099, &["pepperoni", "peperoni"]),
    pizza("Pizza Hawaiian", 1099, &["hawaiian", "hawaii"]),
    pizza("Pizza Veggie", 1099, &["veggie", "vegetarian"]),
    pizza("Pizza Calabresa", 1099, &["calabresa", "calabrese"]),
    pizza("Pizza BBQ Chicken", 1199, &["bbq chicken", "barbecue chicken"]),
    pizza(
        "Pizza Four Cheese",
        1199,
        &["four cheese", "quattro formaggi", "4 queijos"],
    ),
    pizza("Pizza Paneer Tikka", 1199, &["paneer tikka", "paneer"]),
    DemoProduct {
        name: "Garlic Bread",
        category: "Starters",
        base_price: 499,
        variants: &[],
        modifiers: &[("Cheese", 100)],
        aliases: &["garlic bread", "pão de alho", "pan de ajo"],
    },
    simple("Cheesy Breadsticks", "Starters", 599, &["breadsticks"]),
    DemoProduct {
        name: "Chicken Wings",
        category: "Starters",
        base_price: 799,
        variants: &[("6 pc", 799), ("12 pc", 1399)],
        modifiers: &[("Buffalo sauce", 0), ("BBQ sauce", 0), ("Ranch dip", 75)],
        aliases: &["wings"],
    },
    simple("Mozzarella Sticks", "Starters", 649, &["mozz sticks"]),
    simple("Caesar Salad", "Salads", 749, &["caesar"]),
    simple("Greek Salad", "Salads", 799, &[]),
    simple("Pasta Alfredo", "Pasta", 1199, &["alfredo"]),
    simple("Spaghetti Bolognese", "Pasta", 1149, &["bolognese", "spag bol"]),
    simple("Lasagna", "Pasta", 1299, &["lasagne"]),
    drink("Coke", &["coca cola", "coca-cola", "coke"]),
    drink("Diet Coke", &["coke zero", "diet coke"]),
    drink("Sprite", &[]),
    drink("Guaraná", &["guarana", "guaraná antarctica"]),
    simple("Water", "Drinks", 149, &["agua", "água", "mineral water"]),
    simple("Iced Tea", "Drinks", 249, &["es teh", "ice tea"]),
    simple("Tiramisu", "Desserts", 599, &[]),
    simple("Chocolate Brownie", "Desserts", 399, &["brownie"]),
    simple("Cannoli", "Desserts", 449, &[]),
];

pub const GROUPS: &[(&str, &str, entity::enums::GroupKind)] = &[
    (
        "120363041234567890@g.us",
        "Pizza Palace Orders",
        entity::enums::GroupKind::Orders,
    ),
    (
        "120363049876543210@g.us",
        "Pizza Palace Team",
        entity::enums::GroupKind::Staff,
    ),
];

/// (name, phone, vehicle); the first one signs in as driver@pizzapalace.example.
pub const DRIVERS: &[(&str, &str, &str)] = &[
    ("Carlos Mendes", "+15550100201", "Red Honda CG 160 · ABC-1234"),
    ("Priya Sharma", "+15550100202", "Blue Yamaha NMax · XYZ-5678"),
    ("Budi Santoso", "+15550100203", "Silver Toyota Yaris · B 1234 CD"),
];

pub const FIRST_NAMES: &[&str] = &[
    "Maria", "John", "Ana", "Rahul", "Siti", "Lucas", "Emma", "Arjun", "Dewi", "Sofia", "Mateo", "Olivia", "Priya",
    "Budi", "Camila", "Noah", "Fatima", "Liam", "Aisha", "Gabriel", "Isabela", "Ethan", "Putri", "Diego",
];

pub const LAST_INITIALS: &[&str] = &[
    "A.", "B.", "C.", "D.", "F.", "G.", "K.", "L.", "M.", "N.", "P.", "R.", "S.", "T.",
];

pub const STREETS: &[&str] = &[
    "Main St",
    "Oak Ave",
    "Maple Dr",
    "Cedar Ln",
    "Elm St",
    "Pine Rd",
    "Sunset Blvd",
    "Harbor Way",
    "Lake View Rd",
    "Park Ave",
    "Hill St",
    "River Rd",
];

pub const NOTES: &[&str] = &[
    "no onions on the pizza pls",
    "ring the bell twice",
    "extra napkins please",
    "call when outside",
    "leave at the door",
    "well done please",
];
