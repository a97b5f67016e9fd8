//! The dev chain's accounts and how `basalt dev`'s flags change the dev
//! genesis.
//!
//! Keys come from a BIP-39 mnemonic on m/44'/60'/0'/0/i (BIP-32, as anvil,
//! Hardhat and MetaMask derive them). The first ten keys of the standard test
//! mnemonic ("test test … junk", which `genesis/dev.json` funds) are built in,
//! so the default start derives nothing.

use basalt_chainspec::{ChainSpec, GenesisAccount};
use basalt_primitives::{secret_key_to_address, signing_key_from_bytes, SigningKey, U256};

/// The standard test mnemonic (Hardhat, anvil).
pub const DEFAULT_MNEMONIC: &str = "test test test test test test test test test test test junk";

/// The first ten keys of [`DEFAULT_MNEMONIC`] on m/44'/60'/0'/0/i.
pub const DEV_KEYS: [&str; 10] = [
    "ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
    "59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
    "5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a",
    "7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6",
    "47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a",
    "8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba",
    "92db14e403b83dfe3df233f83dfa3a0d7096f21ca9b0d6d6b8d88b2b4ec1564e",
    "4bbbf85ce3377467afe5d46f804f221813b2bb87f24d81f60f1fcdbf7cbf4356",
    "dbda1821b80551c9d65939329250298aa3472ba22feea921c0cf5d620ea67b97",
    "2a871d0798f97d79848a013d4936a73bf4cc922c825d33c1cf7073dff6d409c6",
];

/// Most dev accounts `basalt dev` makes.
pub const MAX_DEV_ACCOUNTS: usize = 1000;

/// Why the dev accounts cannot be made as asked.
#[derive(Debug, thiserror::Error)]
pub enum DevAccountsError {
    /// The mnemonic is not valid BIP-39 (English).
    #[error("invalid mnemonic: {0}")]
    InvalidMnemonic(String),
    /// BIP-32 derivation failed.
    #[error("key derivation failed: {0}")]
    Derivation(String),
    /// Too many accounts asked.
    #[error("at most {max} dev accounts are supported, {asked} asked")]
    TooMany {
        /// Asked for.
        asked: usize,
        /// The limit.
        max: usize,
    },
}

/// The first `count` dev keys of `mnemonic` (m/44'/60'/0'/0/i).
pub fn dev_keys(mnemonic: &str, count: usize) -> Result<Vec<SigningKey>, DevAccountsError> {
    if count > MAX_DEV_ACCOUNTS {
        return Err(DevAccountsError::TooMany { asked: count, max: MAX_DEV_ACCOUNTS });
    }
    let normalized = mnemonic.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut keys = Vec::with_capacity(count);
    if normalized == DEFAULT_MNEMONIC {
        keys.extend(DEV_KEYS.iter().take(count).map(|k| {
            let bytes = hex::decode(k).expect("the built-in keys are valid hex");
            signing_key_from_bytes(&bytes).expect("the built-in keys are valid secp256k1 keys")
        }));
    }
    if keys.len() < count {
        keys.extend(derive_keys(&normalized, keys.len()..count)?);
    }
    Ok(keys)
}

/// Derives the keys at `indexes` of m/44'/60'/0'/0/i from a BIP-39 mnemonic
/// (English, no passphrase).
pub fn derive_keys(
    mnemonic: &str,
    indexes: std::ops::Range<usize>,
) -> Result<Vec<SigningKey>, DevAccountsError> {
    let parsed = bip39::Mnemonic::parse_normalized(mnemonic)
        .map_err(|e| DevAccountsError::InvalidMnemonic(e.to_string()))?;
    let seed = parsed.to_seed_normalized("");
    indexes
        .map(|i| {
            let path: bip32::DerivationPath = format!("m/44'/60'/0'/0/{i}")
                .parse()
                .map_err(|e: bip32::Error| DevAccountsError::Derivation(e.to_string()))?;
            let key = bip32::XPrv::derive_from_path(&seed, &path)
                .map_err(|e| DevAccountsError::Derivation(e.to_string()))?;
            Ok(SigningKey::from(key))
        })
        .collect()
}

/// The dev genesis for `basalt dev`'s flags: the chain id, and exactly the
/// given accounts funded with `balance` (replacing dev.json's ten).
pub fn dev_spec(chain_id: u64, keys: &[SigningKey], balance: U256) -> ChainSpec {
    let mut spec = ChainSpec::dev();
    spec.chain_id = chain_id;
    for key in dev_keys(DEFAULT_MNEMONIC, DEV_KEYS.len()).unwrap_or_default() {
        spec.genesis.alloc.remove(&secret_key_to_address(&key));
    }
    for key in keys {
        spec.genesis
            .alloc
            .insert(secret_key_to_address(key), GenesisAccount::with_balance(balance));
    }
    spec
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_in_keys_are_dev_json_accounts() {
        let spec = ChainSpec::dev();
        let keys = dev_keys(DEFAULT_MNEMONIC, 10).unwrap();
        for key in &keys {
            assert!(spec.genesis.alloc.contains_key(&secret_key_to_address(key)));
        }
        let default = U256::from(10_000u64) * U256::exp10(18);
        assert_eq!(dev_spec(31337, &keys, default), spec);
        assert!(dev_keys("abandon abandon", 1).is_err());
        assert!(dev_keys(DEFAULT_MNEMONIC, MAX_DEV_ACCOUNTS + 1).is_err());
    }

    #[test]
    fn derivation_gives_the_built_in_keys() {
        let derived = derive_keys(DEFAULT_MNEMONIC, 0..10).unwrap();
        let built_in = dev_keys(DEFAULT_MNEMONIC, 10).unwrap();
        assert_eq!(
            derived.iter().map(|k| k.to_bytes()).collect::<Vec<_>>(),
            built_in.iter().map(|k| k.to_bytes()).collect::<Vec<_>>()
        );
        // Beyond the built-in ten: anvil's account 10.
        let eleven = dev_keys(DEFAULT_MNEMONIC, 11).unwrap();
        assert_eq!(
            format!("{:?}", secret_key_to_address(&eleven[10])),
            "0xbcd4042de499d14e55001ccbb24a551f3b954096"
        );
        // Another mnemonic derives other keys.
        let other = "abandon abandon abandon abandon abandon abandon abandon abandon abandon \
                     abandon abandon about";
        let keys = dev_keys(other, 2).unwrap();
        assert_ne!(secret_key_to_address(&keys[0]), secret_key_to_address(&built_in[0]));
    }
}
