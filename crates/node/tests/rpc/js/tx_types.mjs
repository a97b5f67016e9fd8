// ethers v6 signs and sends every transaction type against `basalt dev`:
// legacy with EIP-155, legacy without a chain id (pre-EIP-155), EIP-2930
// with an access list, EIP-1559. Each must be mined with status 1 and the
// receipt's type must match. Prints one line per transaction,
// `sent LABEL HASH TYPE`, for the Rust side to check over raw JSON-RPC too.
// Usage: node tx_types.mjs HTTP_URL
import { ethers } from "ethers";

const [httpUrl] = process.argv.slice(2);
const KEY0 = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
const TO = "0x00000000000000000000000000000000000e7e25";
const LISTED = "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC";

function check(ok, message) {
  if (!ok) throw new Error(`mismatch: ${message}`);
  console.log(`ok: ${message}`);
}

async function mined(label, response, type) {
  const receipt = await response.wait(1, 30_000);
  check(receipt.status === 1, `${label}: mined with status 1 in block ${receipt.blockNumber}`);
  check(receipt.type === type, `${label}: receipt type ${receipt.type} is ${type}`);
  console.log(`sent ${label} ${response.hash} ${type}`);
  return receipt;
}

async function main() {
  const provider = new ethers.JsonRpcProvider(httpUrl, undefined, { cacheTimeout: -1, pollingInterval: 100 });
  const wallet = new ethers.Wallet(KEY0, provider);
  const { gasPrice } = await provider.getFeeData();
  check(gasPrice > 0n, `gas price ${gasPrice}`);

  // Type 0 with EIP-155: ethers fills the chain id from the network.
  const legacy = await wallet.sendTransaction({ type: 0, to: TO, value: 1n, gasPrice });
  check(legacy.chainId === 31337n, "type 0 carries chain id 31337");
  await mined("legacy-eip155", legacy, 0);

  // Type 0 without a chain id: signed offline with chainId 0 (ethers then
  // signs the 6-field pre-EIP-155 payload, v = 27/28) and broadcast raw.
  const nonce = await provider.getTransactionCount(wallet.address, "pending");
  const raw = await wallet.signTransaction({ type: 0, chainId: 0n, nonce, gasPrice, gasLimit: 21_000n, to: TO, value: 2n });
  const parsed = ethers.Transaction.from(raw);
  check(parsed.chainId === 0n && [27, 28].includes(parsed.signature.v) && parsed.signature.networkV === null,
    `pre-EIP-155 signature v=${parsed.signature.v}`);
  const unprotected = await provider.broadcastTransaction(raw);
  check(unprotected.hash === parsed.hash, "node's hash is keccak256(raw)");
  await mined("legacy-pre155", unprotected, 0);

  // Type 1 with an access list (one address, one key: 2,400 + 1,900 gas).
  const accessList = [{ address: LISTED, storageKeys: [ethers.zeroPadValue("0x01", 32)] }];
  const eip2930 = await wallet.sendTransaction({ type: 1, to: TO, value: 3n, gasPrice, accessList, gasLimit: 50_000n });
  const r1 = await mined("eip2930", eip2930, 1);
  check(r1.gasUsed === 25_300n, `type 1 gas used ${r1.gasUsed} = 21000 + 2400 + 1900`);
  const fetched = await provider.getTransaction(eip2930.hash);
  check(fetched.accessList.length === 1 && fetched.accessList[0].address === LISTED, "access list read back");

  // Type 2: fees from eth_feeHistory / eth_maxPriorityFeePerGas.
  const eip1559 = await wallet.sendTransaction({ type: 2, to: TO, value: 4n });
  await mined("eip1559", eip1559, 2);

  check((await provider.getBalance(TO)) === 10n, "recipient holds 1 + 2 + 3 + 4 wei");
  console.log("all checks passed");
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
