// ethers v6 against `basalt dev`: deploy with constructor args, read, write,
// a decoded revert, Transfer events over WebSocket and HTTP polling, getLogs
// with an indexed-topic filter. Usage: node ethers.mjs ARTIFACT HTTP_URL WS_URL
import { readFileSync } from "node:fs";
import { ethers } from "ethers";

const [artifactPath, httpUrl, wsUrl] = process.argv.slice(2);
const KEY0 = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
const KEY1 = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";
const ADDR1 = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
const ADDR2 = "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC";

function check(ok, message) {
  if (!ok) throw new Error(`mismatch: ${message}`);
  console.log(`ok: ${message}`);
}

function within(promise, ms, what) {
  return Promise.race([
    promise,
    new Promise((_, reject) => setTimeout(() => reject(new Error(`timed out: ${what}`)), ms)),
  ]);
}

function nextTransfer(contract, label) {
  return within(
    new Promise((resolve) => {
      const listener = (from, to, value, event) => {
        contract.off("Transfer", listener);
        resolve({ from, to, value, event });
      };
      contract.on("Transfer", listener);
    }),
    30_000,
    `Transfer over ${label}`,
  );
}

async function main() {
  const artifact = JSON.parse(readFileSync(artifactPath, "utf8"));
  const http = new ethers.JsonRpcProvider(httpUrl, undefined, { cacheTimeout: -1, pollingInterval: 200 });
  const ws = new ethers.WebSocketProvider(wsUrl, undefined, { cacheTimeout: -1 });
  const wallet = new ethers.Wallet(KEY0, http);
  check((await http.getNetwork()).chainId === 31337n, "chain id 31337 over HTTP");
  check((await ws.getNetwork()).chainId === 31337n, "chain id 31337 over WebSocket");

  // Deploy with constructor args.
  const supply = ethers.parseUnits("1000", 18);
  const factory = new ethers.ContractFactory(artifact.abi, artifact.bytecode, wallet);
  const token = await factory.deploy("Basalt Token", "BSLT", 18, supply);
  const deployReceipt = await token.deploymentTransaction().wait();
  const address = await token.getAddress();
  check(deployReceipt.status === 1, `deployed at ${address}`);
  check(deployReceipt.contractAddress === address, "receipt contractAddress matches ethers' CREATE address");
  check((await http.getCode(address)) !== "0x", "code at the contract address");

  // Reads.
  check((await token.name()) === "Basalt Token", "name()");
  check((await token.symbol()) === "BSLT", "symbol()");
  check((await token.decimals()) === 18n, "decimals()");
  check((await token.totalSupply()) === supply, "totalSupply()");
  check((await token.balanceOf(wallet.address)) === supply, "balanceOf(deployer) is the initial supply");

  // Listeners: one over WebSocket (eth_subscribe), one over HTTP (filter polling).
  const tokenWs = new ethers.Contract(address, artifact.abi, ws);
  const tokenHttp = new ethers.Contract(address, artifact.abi, http);
  const overWs = nextTransfer(tokenWs, "WebSocket");
  const overHttp = nextTransfer(tokenHttp, "HTTP polling");
  await new Promise((r) => setTimeout(r, 1000)); // subscription and filter installed

  // Write and wait.
  const amount = ethers.parseUnits("5", 18);
  const tx = await token.transfer(ADDR1, amount);
  const receipt = await tx.wait();
  check(receipt.status === 1, `transfer mined in block ${receipt.blockNumber}`);
  check(receipt.logs.length === 1, "transfer receipt has one log");
  const parsed = token.interface.parseLog(receipt.logs[0]);
  check(parsed.name === "Transfer" && parsed.args.value === amount, "receipt log decodes as Transfer");
  check((await token.balanceOf(ADDR1)) === amount, "balanceOf(recipient) after transfer");
  check((await token.balanceOf(wallet.address)) === supply - amount, "balanceOf(sender) after transfer");

  for (const [label, promise] of [["WebSocket", overWs], ["HTTP polling", overHttp]]) {
    const { from, to, value, event } = await promise;
    check(
      from === wallet.address && to === ADDR1 && value === amount && event.log.transactionHash === tx.hash,
      `contract.on('Transfer') over ${label} (got ${from} -> ${to} ${value} tx ${event.log.transactionHash}, want ${tx.hash})`,
    );
  }

  // A revert, decoded by ethers: estimateGas (and a static call) fail with the reason.
  const poor = token.connect(new ethers.Wallet(KEY1, http));
  for (const [label, attempt] of [
    ["transfer", () => poor.transfer(ADDR2, amount * 2n)],
    ["staticCall", () => poor.transfer.staticCall(ADDR2, amount * 2n)],
  ]) {
    let error;
    try {
      await attempt();
    } catch (e) {
      error = e;
    }
    check(error !== undefined, `${label} beyond the balance throws`);
    check(
      error.code === "CALL_EXCEPTION" && error.reason === "ERC20: transfer amount exceeds balance",
      `${label} revert decoded (code=${error.code}, reason=${JSON.stringify(error.reason)})`,
    );
  }

  // A second transfer from another sender, then getLogs filtered on indexed topics.
  const tx2 = await poor.transfer(ADDR2, ethers.parseUnits("1", 18));
  check((await tx2.wait()).status === 1, "transfer from the recipient");
  const fromDeployer = await token.queryFilter(token.filters.Transfer(wallet.address), 0, "latest");
  check(
    fromDeployer.length === 1 && fromDeployer[0].transactionHash === tx.hash,
    `queryFilter Transfer(from=deployer) finds the one transfer (got ${fromDeployer.length})`,
  );
  const toAddr2 = await http.getLogs({
    address,
    fromBlock: 0,
    toBlock: "latest",
    topics: [token.interface.getEvent("Transfer").topicHash, null, ethers.zeroPadValue(ADDR2, 32)],
  });
  check(toAddr2.length === 1 && toAddr2[0].transactionHash === tx2.hash, "getLogs with topic filter on `to`");
  const mints = await token.queryFilter(token.filters.Transfer(ethers.ZeroAddress), 0, "latest");
  check(
    mints.length === 1 && mints[0].args.value === supply && mints[0].transactionHash === deployReceipt.hash,
    `getLogs Transfer(from=0) finds the mint (got ${mints.length})`,
  );

  await tokenWs.removeAllListeners();
  await tokenHttp.removeAllListeners();
  await ws.destroy();
  http.destroy();
  console.log("ethers: all checks passed");
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(`ethers test failed: ${e?.stack ?? e}`);
    process.exit(1);
  },
);
