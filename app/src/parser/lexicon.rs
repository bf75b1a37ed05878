//! The words the parser knows without a catalog, in English, Portuguese, Spanish, Hindi/Hinglish
//! (Latin script) and Indonesian, all folded (lower case, no accents).

use std::{collections::HashMap, sync::LazyLock};

/// What a word means to an order.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Lex {
    /// A number word. `strict` ones ("do", "dos", "a") also mean something else, so they count
    /// only in front of what they count.
    Number {
        value: f64,
        strict: bool,
    },
    /// "a", "um", "una", "ek": one, or nothing at all.
    Article,
    /// "dozen" (12), "pair" (2): multiplies the number before it (or one).
    Times(f64),
    /// Indonesian "belas" (+10) and "puluh" (×10) after a number word: "dua belas" is 12.
    Teen,
    Tens,
    /// A unit for a quantity, as its canonical name and the factor to it ("g" is 0.001 "kg").
    Unit(&'static str, f64),
    /// Indonesian "se-" and a unit: one of it ("sebungkus", "seporsi").
    OneUnit(&'static str, f64),
    Action(Action),
    /// "nahi", "mat": negates the topping before it ("onion nahi").
    NegateBefore,
    /// Words that carry no order content: "please", "quero", "bhaiya", "dong".
    Filler,
    /// Words that make a line an instruction for the kitchen or the rider.
    Instruction,
    /// Question words: a question with one asks about the business rather than orders.
    Inquiry,
    /// Words around a clock time ("at 8", "8 baje", "jam 7"): the number is not a quantity.
    Time,
    /// Words that go on describing an address ("near the temple", "dekat masjid").
    Landmark,
    /// "both", "dono", "semua": what the clause asks applies to every item before it.
    Every,
    /// Words that start an address ("Rua", "Jl.", "Calle").
    StreetStart,
    /// Words that start an address when a number follows ("flat 302", "apt 4").
    Dwelling,
    /// Words that end a street name ("St", "Road", "Apts").
    StreetEnd,
}

/// What a topping word does to an item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    Add,
    Extra,
    Remove,
}

pub fn lookup(word: &str) -> Option<Lex> {
    LEXICON.get(word).copied().or_else(|| {
        let unit = word.strip_prefix("se").filter(|rest| rest.len() > 2)?;
        match LEXICON.get(unit) {
            Some(Lex::Unit(unit, factor)) => Some(Lex::OneUnit(unit, *factor)),
            _ => None,
        }
    })
}

/// How many words at the start of `words` say "the address is next" in the middle of a
/// sentence ("the address is …", "delivered to …", "entregar na …", "antar ke …"); labels at
/// the start of a line or clause are the grammar's.
pub fn address_cue(words: &[&str]) -> Option<usize> {
    let next = words.get(1).copied();
    match words.first().copied()? {
        "address" | "addr" | "endereco" | "direccion" | "alamat" | "domicilio" => Some(1),
        "pata" if matches!(next, Some(":" | "-" | "–")) => Some(1),
        "deliver" | "delivered" | "delivery" if next == Some("to") => Some(2),
        "entregar" | "entrega" | "entreguem" if matches!(next, Some("na" | "no" | "em" | "en")) => Some(2),
        "kirim" | "antar" | "anter" | "diantar" | "dianter" | "dikirim" if next == Some("ke") => Some(2),
        _ => None,
    }
}

/// Abbreviations whose full stop ends no sentence ("Jl. Melati", "No. 7", "Av. Brasil").
pub fn is_abbreviation(word: &str) -> bool {
    matches!(
        word,
        "jl" | "jln"
            | "gg"
            | "kav"
            | "no"
            | "nr"
            | "nro"
            | "num"
            | "av"
            | "avda"
            | "ave"
            | "st"
            | "rd"
            | "dr"
            | "apt"
            | "apto"
            | "ap"
            | "lt"
            | "blvd"
            | "km"
            | "mr"
            | "mrs"
            | "ms"
            | "sr"
            | "sra"
            | "dra"
            | "prof"
            | "h.no"
            | "hno"
            | "r"
            | "n"
            | "c"
            | "qd"
            | "bl"
            | "ed"
            | "cond"
            | "depto"
            | "dpto"
            | "blk"
            | "rt"
            | "rw"
            | "kec"
            | "kel"
            | "sec"
            | "fl"
            | "opp"
    )
}

/// Words that put a phone number after them ("cel", "WA", "phone").
pub fn is_phone_label(word: &str) -> bool {
    matches!(
        word,
        "phone"
            | "mobile"
            | "cell"
            | "cel"
            | "celular"
            | "contact"
            | "fono"
            | "movil"
            | "telefone"
            | "telefono"
            | "telp"
            | "tel"
            | "fone"
            | "whatsapp"
            | "wa"
            | "hp"
            | "nomor"
            | "mob"
            | "ph"
            | "number"
            | "numero"
            | "no.hp"
            | "zap"
            | "whats"
    )
}

/// Size words that stand for a catalog variant of the same size ("grande" for "Large").
pub fn size_class(word: &str) -> Option<u8> {
    SIZES
        .iter()
        .position(|class| class.contains(&word))
        .map(|index| index as u8)
}

/// Words after "this is", "soy" and the like that are not names.
pub fn ends_name(word: &str) -> bool {
    matches!(
        word,
        "here"
            | "speaking"
            | "aqui"
            | "hai"
            | "hoon"
            | "hu"
            | "hun"
            | "from"
            | "dari"
            | "di"
            | "and"
            | "e"
            | "y"
            | "dan"
    ) || lookup(word).is_some()
}

const SIZES: [&[&str]; 6] = [
    &[
        "small", "sm", "s", "p", "pequena", "pequeno", "pequenas", "pequenos", "chica", "chico", "kecil", "regular",
        "reg", "personal",
    ],
    &[
        "medium", "med", "m", "media", "medio", "medias", "medios", "mediana", "mediano", "sedang",
    ],
    &[
        "large", "lg", "l", "g", "big", "grande", "grandes", "besar", "gede", "familiar", "family",
    ],
    &["half", "meia", "aadha", "adha", "setengah"],
    &["full", "inteira", "inteiro", "entera", "entero", "poora", "pura"],
    &["jumbo", "xl", "extra large", "gigante", "familia"],
];

static LEXICON: LazyLock<HashMap<&'static str, Lex>> = LazyLock::new(|| {
    let mut map = HashMap::with_capacity(1_024);
    let mut put = |words: &[&'static str], lex: Lex| {
        for word in words {
            map.insert(*word, lex);
        }
    };
    let numbers: [(f64, &[&'static str]); 21] = [
        (0.0, &["zero", "none", "cero", "nol", "shunya"]),
        (1.0, &["one", "uno", "satu", "ek", "sebiji"]),
        (2.0, &["two", "dois", "duas", "dua", "couple"]),
        (3.0, &["three", "tres", "tiga", "teen", "tin"]),
        (4.0, &["four", "quatro", "cuatro", "empat", "char", "chaar"]),
        (5.0, &["five", "cinco", "lima", "paanch", "panch", "paach"]),
        (6.0, &["six", "seis", "enam", "chhe", "chhah", "chey"]),
        (7.0, &["seven", "sete", "siete", "tujuh", "saat", "sat"]),
        (8.0, &["eight", "oito", "ocho", "delapan", "aath", "ath"]),
        (9.0, &["nine", "nove", "nueve", "sembilan", "nau"]),
        (10.0, &["ten", "dez", "diez", "sepuluh"]),
        (11.0, &["eleven", "onze", "sebelas", "gyarah", "gyara"]),
        (12.0, &["twelve", "doze", "doce", "barah", "bara"]),
        (13.0, &["thirteen", "treze", "trece", "terah"]),
        (14.0, &["fourteen", "catorze", "quatorze", "catorce", "chaudah"]),
        (15.0, &["fifteen", "quinze", "quince", "pandrah"]),
        (16.0, &["sixteen", "dezesseis", "dezasseis", "dieciseis", "solah"]),
        (17.0, &["seventeen", "dezessete", "dezassete", "diecisiete", "satrah"]),
        (18.0, &["eighteen", "dezoito", "dieciocho", "atharah", "athara"]),
        (19.0, &["nineteen", "dezenove", "dezanove", "diecinueve", "unnis"]),
        (20.0, &["twenty", "vinte", "veinte", "bees", "bis"]),
    ];
    for (value, words) in numbers {
        put(words, Lex::Number { value, strict: false });
    }
    // Number words that are also common words elsewhere: "do" (Hindi two, English verb),
    // "dos" (Spanish two, Portuguese "of the"), "once" (Spanish eleven).
    put(
        &["do", "dos"],
        Lex::Number {
            value: 2.0,
            strict: true,
        },
    );
    put(
        &["das"],
        Lex::Number {
            value: 10.0,
            strict: true,
        },
    );
    put(
        &["once"],
        Lex::Number {
            value: 11.0,
            strict: true,
        },
    );
    put(
        &[
            "half", "meio", "meia", "medio", "media", "aadha", "adha", "setengah", "stengah",
        ],
        Lex::Number {
            value: 0.5,
            strict: true,
        },
    );
    put(
        &["quarter", "cuarto", "pav", "paav", "seperempat"],
        Lex::Number {
            value: 0.25,
            strict: true,
        },
    );
    put(
        &["dedh", "derh"],
        Lex::Number {
            value: 1.5,
            strict: true,
        },
    );
    put(
        &["dhai", "dhaai", "adhai"],
        Lex::Number {
            value: 2.5,
            strict: true,
        },
    );
    put(&["a", "an", "um", "uma", "un", "una", "se", "sebuah"], Lex::Article);
    put(
        &[
            "dozen", "dozens", "doz", "dz", "duzia", "duzias", "docena", "docenas", "lusin", "darjan", "dajan",
        ],
        Lex::Times(12.0),
    );
    put(
        &["pair", "pairs", "par", "pares", "pasang", "jodi", "jora"],
        Lex::Times(2.0),
    );
    put(&["belas"], Lex::Teen);
    put(&["puluh"], Lex::Tens);

    put(
        &[
            "kg",
            "kgs",
            "kilo",
            "kilos",
            "kilogram",
            "kilograms",
            "quilo",
            "quilos",
            "kilogramo",
            "kilogramos",
        ],
        Lex::Unit("kg", 1.0),
    );
    put(
        &[
            "g", "gr", "grs", "gm", "gms", "gram", "grams", "gramas", "gramos", "gramo", "grama",
        ],
        Lex::Unit("kg", 0.001),
    );
    put(
        &[
            "l", "lt", "lts", "ltr", "ltrs", "liter", "liters", "litre", "litres", "litro", "litros",
        ],
        Lex::Unit("l", 1.0),
    );
    put(&["ml", "mls"], Lex::Unit("l", 0.001));
    put(
        &[
            "pcs", "pc", "piece", "pieces", "pedaco", "pedacos", "pieza", "piezas", "pz", "pzs", "unidad", "unidades",
            "unid", "und", "biji", "buah", "pedazo", "pedazos",
        ],
        Lex::Unit("pcs", 1.0),
    );
    put(
        &[
            "pack", "packs", "packet", "packets", "pkt", "pacote", "pacotes", "paquete", "paquetes", "bungkus", "bks",
        ],
        Lex::Unit("pack", 1.0),
    );
    put(
        &[
            "bottle", "bottles", "garrafa", "garrafas", "botella", "botellas", "botol",
        ],
        Lex::Unit("bottle", 1.0),
    );
    put(&["can", "cans", "lata", "latas", "kaleng"], Lex::Unit("can", 1.0));
    put(
        &["box", "boxes", "caixa", "caixas", "caja", "cajas", "kotak", "dus"],
        Lex::Unit("box", 1.0),
    );
    put(
        &["plate", "plates", "prato", "pratos", "plato", "platos", "piring"],
        Lex::Unit("plate", 1.0),
    );
    put(
        &[
            "portion",
            "portions",
            "porcao",
            "porcoes",
            "porcion",
            "porciones",
            "porsi",
        ],
        Lex::Unit("portion", 1.0),
    );
    put(
        &[
            "skewer",
            "skewers",
            "espeto",
            "espetos",
            "espetinho",
            "espetinhos",
            "brocheta",
            "brochetas",
            "tusuk",
        ],
        Lex::Unit("skewer", 1.0),
    );
    put(
        &["glass", "glasses", "copo", "copos", "vaso", "vasos", "gelas"],
        Lex::Unit("glass", 1.0),
    );
    put(
        &["slice", "slices", "fatia", "fatias", "rebanada", "rebanadas", "potong"],
        Lex::Unit("slice", 1.0),
    );
    put(
        &["cup", "cups", "xicara", "xicaras", "taza", "tazas", "cangkir"],
        Lex::Unit("cup", 1.0),
    );

    put(
        &[
            "with", "w", "com", "con", "pakai", "pake", "pakek", "dengan", "pakai", "add", "adding", "plus", "tambah",
            "topped",
        ],
        Lex::Action(Action::Add),
    );
    put(
        &[
            "extra", "xtra", "double", "doble", "dobro", "dupla", "duplo", "mais", "more", "lots", "lebih", "banyak",
            "zyada", "jyada", "zyaada", "jada", "zada", "bastante",
        ],
        Lex::Action(Action::Extra),
    );
    put(
        &[
            "no", "without", "w/o", "wo", "sem", "sin", "bina", "tanpa", "gak", "ga", "nggak", "ngga", "gk", "jangan",
            "minus", "hold", "skip", "nada", "nenhum", "nenhuma", "ninguna", "ningun",
        ],
        Lex::Action(Action::Remove),
    );
    put(&["nahi", "nahin", "nai", "mat", "usah"], Lex::NegateBefore);

    put(
        &[
            // English
            "i",
            "i'd",
            "id",
            "i'll",
            "ill",
            "im",
            "i'm",
            "we",
            "we'd",
            "want",
            "wanna",
            "would",
            "like",
            "need",
            "get",
            "could",
            "please",
            "pls",
            "plz",
            "pl",
            "plss",
            "send",
            "give",
            "me",
            "us",
            "my",
            "the",
            "of",
            "for",
            "to",
            "order",
            "ordering",
            "some",
            "also",
            "just",
            "ok",
            "okay",
            "hey",
            "bro",
            "sir",
            "maam",
            "boss",
            "kindly",
            "have",
            "take",
            "another",
            "and",
            "then",
            "u",
            "you",
            "it",
            "that",
            "this",
            "is",
            "be",
            "will",
            "gonna",
            "in",
            "on",
            "at",
            "all",
            "ya",
            "yeah",
            "yes",
            "hi",
            "hello",
            "thanks",
            "thank",
            "tonight",
            "today",
            "now",
            "asap",
            "guys",
            "mate",
            "buddy",
            "dear",
            "lunch",
            "dinner",
            "breakfast",
            "monday",
            "tuesday",
            "wednesday",
            "thursday",
            "friday",
            "saturday",
            "sunday",
            "tomorrow",
            "morning",
            "evening",
            "night",
            "afternoon",
            // Portuguese
            "eu",
            "quero",
            "queria",
            "gostaria",
            "de",
            "da",
            "por",
            "favor",
            "pfv",
            "pf",
            "pra",
            "para",
            "pro",
            "manda",
            "mandar",
            "ve",
            "ver",
            "pedido",
            "pedir",
            "o",
            "os",
            "as",
            "moco",
            "moca",
            "amigo",
            "amiga",
            "oi",
            "ola",
            "tudo",
            "bem",
            "bom",
            "boa",
            "noite",
            "dia",
            "tarde",
            "vou",
            "querer",
            "pode",
            "poderia",
            "seria",
            "ai",
            "aí",
            "hoje",
            "agora",
            "obrigado",
            "obrigada",
            "valeu",
            "beleza",
            "blz",
            "fechado",
            "entao",
            "tambem",
            "tb",
            "tbm",
            "mim",
            "nos",
            "gente",
            "pessoal",
            "ta",
            "esta",
            "vc",
            "voce",
            "vcs",
            "voces",
            "favor",
            "segunda",
            "terca",
            "quarta",
            "quinta",
            "sexta",
            "sabado",
            "domingo",
            // Spanish
            "quiero",
            "quisiera",
            "queria",
            "mandas",
            "mandame",
            "dame",
            "del",
            "la",
            "el",
            "los",
            "las",
            "porfa",
            "porfis",
            "hola",
            "buenas",
            "buenos",
            "gracias",
            "necesito",
            "pedir",
            "traeme",
            "traer",
            "lo",
            "al",
            "unos",
            "unas",
            "hoy",
            "ahora",
            "senor",
            "senora",
            "che",
            "tambien",
            "mas",
            "quiero",
            "podes",
            "podrias",
            "lunes",
            "martes",
            "miercoles",
            "jueves",
            "viernes",
            // Hindi / Hinglish
            "bhaiya",
            "bhai",
            "bhaiyya",
            "bhaiji",
            "ji",
            "mujhe",
            "hume",
            "humein",
            "hamein",
            "chahiye",
            "chaiye",
            "chahie",
            "bhej",
            "bhejo",
            "bhejna",
            "bhejiye",
            "dena",
            "de",
            "dijiye",
            "dedo",
            "dedena",
            "kar",
            "karo",
            "kardo",
            "karna",
            "ka",
            "ki",
            "ke",
            "mein",
            "me",
            "main",
            "hai",
            "hain",
            "bhi",
            "abhi",
            "jaldi",
            "yaar",
            "sahab",
            "saab",
            "accha",
            "acha",
            "theek",
            "thik",
            "hoon",
            "hu",
            "aaj",
            "raat",
            "saath",
            "sath",
            "namaste",
            "aur",
            "wala",
            "waala",
            "lagana",
            "laga",
            "dalna",
            "daalna",
            "dal",
            "daal",
            "rakhna",
            "ko",
            "krdo",
            "kr",
            "plz",
            "aapka",
            "aap",
            "tum",
            "bolo",
            "order",
            "mangwana",
            "mangana",
            // Indonesian
            "kak",
            "kakak",
            "ka",
            "mas",
            "mbak",
            "mba",
            "bang",
            "pak",
            "bu",
            "bos",
            "gan",
            "saya",
            "aku",
            "mau",
            "pesan",
            "pesen",
            "minta",
            "tolong",
            "dong",
            "ya",
            "yah",
            "yg",
            "yang",
            "nya",
            "aja",
            "saja",
            "sama",
            "buat",
            "untuk",
            "utk",
            "di",
            "ke",
            "dari",
            "beli",
            "bisa",
            "ini",
            "itu",
            "juga",
            "lagi",
            "nanti",
            "sekarang",
            "makasih",
            "terima",
            "kasih",
            "halo",
            "selamat",
            "pagi",
            "siang",
            "sore",
            "malam",
            "ok",
            "oke",
            "sip",
            "deh",
            "nih",
            "kok",
            "kan",
            "udah",
            "sudah",
            "dan",
            "atau",
            "porsinya",
            "pesanan",
            "order",
            "min",
            "admin",
            "kirim",
            "antar",
            "anter",
            "dianter",
            "diantar",
        ],
        Lex::Filler,
    );

    put(
        &[
            "ring",
            "bell",
            "doorbell",
            "knock",
            "call",
            "ligar",
            "liga",
            "ligue",
            "llamar",
            "llama",
            "llamame",
            "interfone",
            "portaria",
            "porteiro",
            "gate",
            "gerbang",
            "pagar",
            "troco",
            "change",
            "cambio",
            "vuelto",
            "kembalian",
            "cash",
            "dinheiro",
            "efectivo",
            "pix",
            "card",
            "cartao",
            "tarjeta",
            "upi",
            "gpay",
            "paytm",
            "phonepe",
            "cod",
            "tunai",
            "transfer",
            "qris",
            "spicy",
            "pedas",
            "teekha",
            "tikha",
            "teekhi",
            "picante",
            "apimentado",
            "mild",
            "cold",
            "gelado",
            "gelada",
            "frio",
            "fria",
            "caliente",
            "quente",
            "dingin",
            "panas",
            "separate",
            "separately",
            "separado",
            "separados",
            "separada",
            "pisah",
            "dipisah",
            "fast",
            "quick",
            "quickly",
            "rapido",
            "rapida",
            "cepat",
            "hurry",
            "urgent",
            "cutlery",
            "talheres",
            "cubiertos",
            "sendok",
            "napkins",
            "guardanapo",
            "servilletas",
            "crispy",
            "crocante",
            "kering",
            "well",
            "done",
            "passada",
            "less",
            "kam",
            "menos",
            "sedikit",
            "dikit",
            "leave",
            "deixar",
            "dejar",
            "taruh",
            "titip",
            "careful",
            "cuidado",
            "hati",
            "allergy",
            "allergic",
            "alergia",
            "alergico",
            "alergica",
            "alergi",
            "pickup",
            "pick",
            "retirar",
            "buscar",
            "recoger",
            "ambil",
            "takeaway",
            "delivery",
            "entregar",
            "deliver",
            "birthday",
            "aniversario",
            "cumpleanos",
            "ultah",
            "gift",
            "presente",
            "regalo",
            "hadiah",
            "note",
            "nota",
            "paso",
            "passo",
            "ready",
            "pronto",
            "listo",
            "siap",
            "chego",
            "llego",
        ],
        Lex::Instruction,
    );

    put(
        &[
            "what",
            "what's",
            "whats",
            "when",
            "how",
            "which",
            "where",
            "why",
            "qual",
            "quais",
            "quanto",
            "quantos",
            "quando",
            "onde",
            "cual",
            "cuales",
            "cuanto",
            "cuantos",
            "cuando",
            "donde",
            "kya",
            "kab",
            "kitna",
            "kitne",
            "kaha",
            "kahan",
            "kaise",
            "berapa",
            "kapan",
            "dimana",
            "gimana",
            "bagaimana",
        ],
        Lex::Inquiry,
    );
    put(
        &[
            "at", "by", "around", "as", "jam", "pukul", "baje", "bje", "horas", "hrs", "hr", "hours", "h", "pm", "am",
            "min", "mins", "minutes", "minutos", "menit", "o'clock", "oclock", "until", "till", "ate", "hasta", "en",
            "em", "in", "dalam", "las",
        ],
        Lex::Time,
    );
    put(
        &[
            "near",
            "nearby",
            "opposite",
            "opp",
            "behind",
            "beside",
            "next",
            "landmark",
            "perto",
            "proximo",
            "frente",
            "cerca",
            "enfrente",
            "atras",
            "dekat",
            "depan",
            "belakang",
            "samping",
            "sebelah",
            "samne",
            "paas",
            "peeche",
            "piche",
            "bairro",
            "barrio",
            "colonia",
            "kelurahan",
            "kecamatan",
            "kel",
            "kec",
            "cep",
            "pin",
            "pincode",
        ],
        Lex::Landmark,
    );

    put(
        &[
            "rua",
            "r",
            "av",
            "avenida",
            "alameda",
            "travessa",
            "tv",
            "estrada",
            "rodovia",
            "praca",
            "largo",
            "calle",
            "avda",
            "carrera",
            "cra",
            "pasaje",
            "camino",
            "jl",
            "jln",
            "jalan",
            "gg",
            "gang",
            "komplek",
            "kompleks",
            "perumahan",
            "perum",
            "condominio",
            "edificio",
            "wisma",
            "ruko",
        ],
        Lex::StreetStart,
    );
    put(
        &[
            "flat",
            "house",
            "h.no",
            "hno",
            "apt",
            "apartment",
            "apto",
            "ap",
            "block",
            "blok",
            "sector",
            "plot",
            "tower",
            "floor",
            "villa",
            "building",
            "bldg",
            "cond",
            "ed",
            "bloco",
            "casa",
            "depto",
            "departamento",
            "piso",
            "manzana",
            "mz",
            "lote",
            "kost",
            "kos",
            "unit",
            "room",
            "suite",
            "rt",
            "rw",
            "quadra",
            "qd",
            "sala",
        ],
        Lex::Dwelling,
    );
    put(
        &[
            "st",
            "street",
            "ave",
            "avenue",
            "rd",
            "road",
            "blvd",
            "boulevard",
            "ln",
            "lane",
            "dr",
            "drive",
            "way",
            "court",
            "ct",
            "pl",
            "terrace",
            "marg",
            "nagar",
            "colony",
            "society",
            "apts",
            "apartments",
            "residency",
            "enclave",
            "layout",
            "cross",
            "chowk",
            "vihar",
            "bagh",
            "puram",
            "heights",
            "towers",
            "sq",
            "square",
            "pkwy",
            "parkway",
            "hwy",
            "highway",
        ],
        Lex::StreetEnd,
    );
    map
});

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn knows_number_words_in_five_languages() {
        for (word, value) in [
            ("two", 2.0),
            ("duas", 2.0),
            ("dos", 2.0),
            ("teen", 3.0),
            ("tiga", 3.0),
            ("vinte", 20.0),
        ] {
            match lookup(word) {
                Some(Lex::Number { value: found, .. }) => assert_eq!(found, value, "{word}"),
                other => panic!("{word}: {other:?}"),
            }
        }
    }

    #[test]
    fn converts_weights_to_kilograms() {
        assert_eq!(lookup("gramas"), Some(Lex::Unit("kg", 0.001)));
        assert_eq!(lookup("ml"), Some(Lex::Unit("l", 0.001)));
    }

    #[test]
    fn groups_size_words() {
        assert_eq!(size_class("grande"), size_class("large"));
        assert_ne!(size_class("small"), size_class("large"));
        assert_eq!(size_class("margherita"), None);
    }
}
