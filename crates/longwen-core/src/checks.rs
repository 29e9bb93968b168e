//! What a file must be before it leaves the machine.
