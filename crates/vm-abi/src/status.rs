//! Status codes crossing the ABI: the entrypoint's result and the result of a
//! nested call or create.

/// What a contract's [`ENTRYPOINT`](crate::host::ENTRYPOINT) (or
/// [`EXIT_EARLY`](crate::host::EXIT_EARLY)) returns.
///
/// Any other value, a trap, or running out of gas is a failure: the frame's
/// effects are undone and all its gas is consumed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(i32)]
pub enum EntrypointStatus {
    /// Success: effects kept, the written result is the return data.
    Success = 0,
    /// Revert: effects undone, unused gas returned, the written result is the
    /// revert data (ABI-encoded `Error(string)` or a custom error).
    Revert = 1,
}

impl EntrypointStatus {
    /// The raw `i32` the entrypoint returns.
    pub const fn to_raw(self) -> i32 {
        self as i32
    }

    /// Decodes a raw entrypoint result; `None` for any value but 0 and 1.
    pub const fn from_raw(raw: i32) -> Option<Self> {
        match raw {
            0 => Some(Self::Success),
            1 => Some(Self::Revert),
            _ => None,
        }
    }
}

/// Outcome of a nested call ([`CALL_CONTRACT`](crate::host::CALL_CONTRACT) and
/// friends) or create ([`CREATE1`](crate::host::CREATE1),
/// [`CREATE2`](crate::host::CREATE2)), as returned to the caller.
///
/// In every case the callee's return data (return value, revert data, or
/// nothing) is what [`READ_RETURN_DATA`](crate::host::READ_RETURN_DATA) reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(u32)]
pub enum CallStatus {
    /// The callee succeeded; its effects are kept.
    Success = 0,
    /// The callee reverted: its effects are undone, its unused gas returned,
    /// and its revert data is the return data.
    Revert = 1,
    /// The callee failed (out of gas, trap, invalid module, static-call
    /// violation, call depth above [`MAX_CALL_DEPTH`](crate::limits::MAX_CALL_DEPTH),
    /// insufficient balance for the value, address collision on create): its
    /// effects are undone and the gas given to it is consumed (except for the
    /// depth and balance checks, which fail before any gas is forwarded).
    /// Return data is empty.
    Failure = 2,
}

impl CallStatus {
    /// The raw `u32` a host call returns.
    pub const fn to_raw(self) -> u32 {
        self as u32
    }

    /// Decodes a raw status; `None` for an unknown value.
    pub const fn from_raw(raw: u32) -> Option<Self> {
        match raw {
            0 => Some(Self::Success),
            1 => Some(Self::Revert),
            2 => Some(Self::Failure),
            _ => None,
        }
    }

    /// Whether the call succeeded.
    pub const fn is_success(self) -> bool {
        matches!(self, Self::Success)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_round_trip() {
        for s in [CallStatus::Success, CallStatus::Revert, CallStatus::Failure] {
            assert_eq!(CallStatus::from_raw(s.to_raw()), Some(s));
        }
        assert_eq!(CallStatus::from_raw(3), None);
        assert_eq!(CallStatus::from_raw(u32::MAX), None);
        for s in [EntrypointStatus::Success, EntrypointStatus::Revert] {
            assert_eq!(EntrypointStatus::from_raw(s.to_raw()), Some(s));
        }
        assert_eq!(EntrypointStatus::from_raw(-1), None);
        assert_eq!(EntrypointStatus::from_raw(2), None);
        assert!(CallStatus::Success.is_success() && !CallStatus::Revert.is_success());
    }
}
