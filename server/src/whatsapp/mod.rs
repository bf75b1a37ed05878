//! WhatsApp: the transports that connect a business's number to Novi, and the simulator that
//! stands in for WhatsApp in tests, demos and development.

pub mod simulator;
pub mod transport;
pub mod web;
