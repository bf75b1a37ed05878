//! `novi parse`: the order parser on the command line, for trying a catalog against real
//! messages and for measuring the parser without a server.

use std::{
    io::{self, BufRead, BufWriter, Write},
    path::Path,
    process::ExitCode,
};

use app::{
    dto::CatalogFile,
    parser::{self, Catalog},
};

/// Reads the catalog, then one message from `input` (or, with `lines`, one per line) and
/// writes one JSON result per message, in order.
pub fn run(catalog: &Path, lines: bool, delivery_fee: f64) -> ExitCode {
    let catalog = match load(catalog, delivery_fee) {
        Ok(catalog) => catalog,
        Err(error) => {
            eprintln!("novi parse: {error}");
            return ExitCode::from(2);
        }
    };
    let stdin = io::stdin().lock();
    let stdout = BufWriter::with_capacity(1 << 16, io::stdout().lock());
    match write_results(&catalog, stdin, stdout, lines) {
        Ok(()) => ExitCode::SUCCESS,
        // A closed pipe (`| head`) is the reader's choice, not a failure.
        Err(error) if error.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("novi parse: {error}");
            ExitCode::FAILURE
        }
    }
}

fn load(path: &Path, delivery_fee: f64) -> Result<Catalog, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let file: CatalogFile =
        serde_json::from_str(&text).map_err(|e| format!("{} is not a catalog file: {e}", path.display()))?;
    Catalog::from_file(&file, delivery_fee).map_err(|e| format!("{}: {e}", path.display()))
}

fn write_results(catalog: &Catalog, mut input: impl BufRead, mut output: impl Write, lines: bool) -> io::Result<()> {
    if lines {
        let mut buffer = Vec::new();
        loop {
            buffer.clear();
            if input.read_until(b'\n', &mut buffer)? == 0 {
                break;
            }
            let line = String::from_utf8_lossy(&buffer);
            let message = line.strip_suffix('\n').unwrap_or(&line);
            let message = message.strip_suffix('\r').unwrap_or(message);
            serde_json::to_writer(&mut output, &parser::parse(message, catalog))?;
            output.write_all(b"\n")?;
        }
    } else {
        let mut bytes = Vec::new();
        input.read_to_end(&mut bytes)?;
        let message = String::from_utf8_lossy(&bytes);
        serde_json::to_writer_pretty(&mut output, &parser::parse(message.trim_end(), catalog))?;
        output.write_all(b"\n")?;
    }
    output.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn catalog() -> Catalog {
        let file: CatalogFile = serde_json::from_str(
            r#"{"currency": "USD", "products": [
                {"name": "Pizza Margherita", "aliases": ["margherita"], "price": 12.0,
                 "variants": [{"name": "Large", "aliases": ["big", "l"], "price": 15.99}],
                 "modifiers": [{"name": "Onions", "price": 0}]},
                {"name": "Coke", "price": 2.0}]}"#,
        )
        .unwrap();
        Catalog::from_file(&file, 0.0).unwrap()
    }

    #[test]
    fn writes_one_line_per_message_in_order() {
        let mut out = Vec::new();
        write_results(
            &catalog(),
            "2 margherita\nthanks!\n1 coke\r\n".as_bytes(),
            &mut out,
            true,
        )
        .unwrap();
        let text = String::from_utf8(out).unwrap();
        let results: Vec<serde_json::Value> = text.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
        assert_eq!(results.len(), 3);
        assert_eq!(results[0]["items"][0]["product"], "Pizza Margherita");
        assert_eq!(results[0]["items"][0]["quantity"], 2.0);
        assert_eq!(results[1]["items"].as_array().unwrap().len(), 0);
        assert_eq!(results[2]["items"][0]["product"], "Coke");
    }

    #[test]
    fn reads_a_whole_message_without_lines() {
        let mut out = Vec::new();
        let message = "Hi! This is Maria\n2x Pizza Margherita (large)\nno onions on the pizza pls";
        write_results(&catalog(), message.as_bytes(), &mut out, false).unwrap();
        let result: serde_json::Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(result["customer_name"], "Maria");
        assert_eq!(result["items"][0]["variant"], "Large");
        assert_eq!(result["items"][0]["line_total"], 31.98);
        assert_eq!(result["items"][0]["modifiers"][0]["action"], "remove");
    }

    #[test]
    fn refuses_a_missing_or_malformed_catalog() {
        assert!(
            load(Path::new("/nonexistent/catalog.json"), 0.0)
                .unwrap_err()
                .contains("cannot read")
        );
        let path = std::env::temp_dir().join(format!("novi-bad-catalog-{}.json", std::process::id()));
        std::fs::write(&path, "{\"products\": 3}").unwrap();
        assert!(load(&path, 0.0).unwrap_err().contains("not a catalog file"));
        std::fs::remove_file(path).unwrap();
    }
}
