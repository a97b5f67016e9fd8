// viem 2 against `basalt dev`: deployContract, readContract, writeContract,
// waitForTransactionReceipt, a decoded revert, watchContractEvent over
// WebSocket and HTTP polling, getLogs/getContractEvents with an args filter.
// Usage: node viem.mjs ARTIFACT HTTP_URL WS_URL
import { readFileSync } from "node:fs";
import {
  BaseError,
  ContractFunctionRevertedError,
  createPublicClient,
  createWalletClient,
  http,
  parseUnits,
  webSocket,
  zeroAddress,
} from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { foundry } from "viem/chains";

const [artifactPath, httpUrl, wsUrl] = process.argv.slice(2);
const account0 = privateKeyToAccount("0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80");
const account1 = privateKeyToAccount("0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d");
const ADDR2 = "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC";
const REASON = "ERC20: transfer amount exceeds balance";

function check(ok, message) {
  if (!ok) throw new Error(`mismatch: ${message}`);
  console.log(`ok: ${message}`);
}

function nextTransfer(client, address, abi, label) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out: Transfer over ${label}`)), 30_000);
    const unwatch = client.watchContractEvent({
      address,
      abi,
      eventName: "Transfer",
      pollingInterval: 200,
      onLogs: (logs) => {
        clearTimeout(timer);
        unwatch();
        resolve(logs);
      },
      onError: (e) => {
        clearTimeout(timer);
        unwatch();
        reject(e);
      },
    });
  });
}

function revertReason(error) {
  if (!(error instanceof BaseError)) return undefined;
  const revert = error.walk((e) => e instanceof ContractFunctionRevertedError);
  return revert?.reason ?? revert?.data?.args?.[0];
}

async function main() {
  const artifact = JSON.parse(readFileSync(artifactPath, "utf8"));
  const abi = artifact.abi;
  const chain = { ...foundry, rpcUrls: { default: { http: [httpUrl], webSocket: [wsUrl] } } };
  const pub = createPublicClient({ chain, transport: http(httpUrl), pollingInterval: 200 });
  const pubWs = createPublicClient({ chain, transport: webSocket(wsUrl) });
  const wallet = createWalletClient({ chain, transport: http(httpUrl), account: account0 });
  const wallet1 = createWalletClient({ chain, transport: http(httpUrl), account: account1 });
  check((await pub.getChainId()) === 31337, "chain id 31337");

  const supply = parseUnits("1000", 18);
  const deployHash = await wallet.deployContract({
    abi,
    bytecode: artifact.bytecode,
    args: ["Basalt Token", "BSLT", 18, supply],
  });
  const deployed = await pub.waitForTransactionReceipt({ hash: deployHash });
  const address = deployed.contractAddress;
  check(deployed.status === "success" && address, `deployed at ${address}`);

  const read = (functionName, args = []) => pub.readContract({ address, abi, functionName, args });
  check((await read("name")) === "Basalt Token", "readContract name");
  check((await read("decimals")) === 18, "readContract decimals");
  check((await read("balanceOf", [account0.address])) === supply, "readContract balanceOf(deployer)");

  const overWs = nextTransfer(pubWs, address, abi, "WebSocket");
  const overHttp = nextTransfer(pub, address, abi, "HTTP polling");
  await new Promise((r) => setTimeout(r, 1000));

  const amount = parseUnits("5", 18);
  const hash = await wallet.writeContract({ address, abi, functionName: "transfer", args: [account1.address, amount] });
  const receipt = await pub.waitForTransactionReceipt({ hash });
  check(receipt.status === "success" && receipt.logs.length === 1, `writeContract transfer mined in block ${receipt.blockNumber}`);
  check((await read("balanceOf", [account1.address])) === amount, "balanceOf(recipient) after transfer");

  for (const [label, promise] of [["WebSocket", overWs], ["HTTP polling", overHttp]]) {
    const logs = await promise;
    const a = logs[0].args;
    check(
      logs.length === 1 && a.from === account0.address && a.to === account1.address && a.value === amount && logs[0].transactionHash === hash,
      `watchContractEvent over ${label} (got ${logs.length} log(s), first ${a.from} -> ${a.to} ${a.value})`,
    );
  }

  // Reverts: simulateContract and writeContract both surface the decoded reason.
  for (const [label, attempt] of [
    ["simulateContract", () => pub.simulateContract({ address, abi, functionName: "transfer", args: [ADDR2, amount * 2n], account: account1 })],
    ["writeContract", () => wallet1.writeContract({ address, abi, functionName: "transfer", args: [ADDR2, amount * 2n] })],
  ]) {
    let error;
    try {
      await attempt();
    } catch (e) {
      error = e;
    }
    check(error !== undefined, `${label} beyond the balance throws`);
    const reason = revertReason(error);
    check(reason === REASON, `${label} revert decoded (reason=${JSON.stringify(reason)}${reason === REASON ? "" : `; ${error?.message}`})`);
  }

  const hash2 = await wallet1.writeContract({ address, abi, functionName: "transfer", args: [ADDR2, parseUnits("1", 18)] });
  check((await pub.waitForTransactionReceipt({ hash: hash2 })).status === "success", "transfer from the recipient");
  const event = abi.find((x) => x.type === "event" && x.name === "Transfer");
  const fromDeployer = await pub.getLogs({ address, event, args: { from: account0.address }, fromBlock: 0n, toBlock: "latest" });
  check(fromDeployer.length === 1 && fromDeployer[0].transactionHash === hash, `getLogs args {from: deployer} (got ${fromDeployer.length})`);
  const toAddr2 = await pub.getContractEvents({ address, abi, eventName: "Transfer", args: { to: ADDR2 }, fromBlock: 0n });
  check(toAddr2.length === 1 && toAddr2[0].transactionHash === hash2, `getContractEvents args {to} (got ${toAddr2.length})`);
  const mints = await pub.getLogs({ address, event, args: { from: zeroAddress }, fromBlock: 0n });
  check(mints.length === 1 && mints[0].args.value === supply, `getLogs args {from: 0} finds the mint (got ${mints.length})`);

  await pubWs.transport.getRpcClient?.().then((c) => c.close()).catch(() => {});
  console.log("viem: all checks passed");
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(`viem test failed: ${e?.stack ?? e}`);
    process.exit(1);
  },
);
