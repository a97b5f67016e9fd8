// ethers v6 against a proof-of-work or proof-of-stake node: read, send a
// transfer, wait for its receipt (blocks come at the engine's pace).
// Usage: node engine_smoke.mjs <http-url> <private-key> <to>
import { JsonRpcProvider, Wallet, parseEther } from "ethers";

const [url, key, to] = process.argv.slice(2);
const provider = new JsonRpcProvider(url, undefined, { pollingInterval: 250 });
const wallet = new Wallet(key, provider);
const network = await provider.getNetwork();
const before = await provider.getBalance(to);
const number = await provider.getBlockNumber();
const block = await provider.getBlock(number);
const tx = await wallet.sendTransaction({ to, value: parseEther("0.5") });
const receipt = await tx.wait(1, 90_000);
const after = await provider.getBalance(to);
console.log(JSON.stringify({
  chainId: network.chainId.toString(),
  number,
  miner: block.miner,
  difficulty: block.difficulty.toString(),
  status: receipt.status,
  receiptBlock: receipt.blockNumber,
  gained: (after - before).toString(),
}));
provider.destroy();
