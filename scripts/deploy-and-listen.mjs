#!/usr/bin/env node
// Deploys the example ERC-20 (contracts/token) to a Basalt node with ethers v6,
// subscribes to its Transfer events over WebSocket, sends one transfer and
// prints the event it receives. Exits 0 on success, 1 with a message otherwise.
//
//   npm --prefix scripts ci
//   node scripts/deploy-and-listen.mjs [ARTIFACT] [WS_URL]
//
// ARTIFACT: Token.json, or a directory holding it (default $BASALT_CONTRACTS).
// WS_URL:   default $BASALT_WS_URL or ws://127.0.0.1:8545 (basalt dev's default).
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { ethers } from "ethers";

// Dev account 0 of `basalt dev` (the well-known anvil/hardhat test key).
const DEV_KEY = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
const RECIPIENT = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
const TIMEOUT_MS = 30_000;

function fail(message) {
  console.error(`deploy-and-listen: ${message}`);
  process.exit(1);
}

function artifactPath(arg) {
  const base = arg || process.env.BASALT_CONTRACTS;
  if (!base) fail("give the Token.json artifact path as the first argument or set BASALT_CONTRACTS");
  return statSync(base, { throwIfNoEntry: false })?.isDirectory() ? join(base, "Token.json") : base;
}

async function main() {
  const [artifactArg, urlArg] = process.argv.slice(2);
  const url = urlArg || process.env.BASALT_WS_URL || "ws://127.0.0.1:8545";
  const artifact = JSON.parse(readFileSync(artifactPath(artifactArg), "utf8"));

  // cacheTimeout -1: on an instant-mining chain ethers' 250 ms request cache
  // could hand back a stale nonce.
  const provider = new ethers.WebSocketProvider(url, undefined, { cacheTimeout: -1 });
  const wallet = new ethers.Wallet(DEV_KEY, provider);
  console.log(`connected to ${url}, chain id ${(await provider.getNetwork()).chainId}`);

  const factory = new ethers.ContractFactory(artifact.abi, artifact.bytecode, wallet);
  const supply = ethers.parseUnits("1000000", 18);
  const token = await factory.deploy("Basalt Token", "BSLT", 18, supply);
  await token.waitForDeployment();
  const address = await token.getAddress();
  console.log(`deployed ${artifact.contractName} at ${address}`);

  const amount = ethers.parseUnits("42", 18);
  const received = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("no Transfer event within 30 s")), TIMEOUT_MS);
    token.on("Transfer", (from, to, value, event) => {
      clearTimeout(timer);
      resolve({ from, to, value, event });
    });
  });
  // Let the eth_subscribe round trip finish before the transfer is mined.
  await new Promise((r) => setTimeout(r, 300));

  const tx = await token.transfer(RECIPIENT, amount);
  const receipt = await tx.wait();
  if (receipt.status !== 1) fail(`transfer failed: ${JSON.stringify(receipt)}`);

  const { from, to, value, event } = await received;
  console.log(
    `Transfer(from=${from}, to=${to}, value=${value}) in block ${event.log.blockNumber}, tx ${event.log.transactionHash}`,
  );
  if (from !== wallet.address || to !== RECIPIENT || value !== amount) {
    fail(`unexpected event: expected ${wallet.address} -> ${RECIPIENT} of ${amount}`);
  }
  await token.removeAllListeners();
  await provider.destroy();
}

main().then(
  () => process.exit(0),
  (e) => fail(e?.stack ?? String(e)),
);
