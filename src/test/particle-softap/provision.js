// Provisions a device in listening mode with Particle's own client, the way Particle's tools do:
// device-id, public-key, set (claim code), configure-ap, connect-ap. Prints one JSON line with the outcome.
// usage: node provision.js tcp|http HOST PORT SSID PASSWORD SECURITY CLAIM_CODE
'use strict';
const SoftAPSetup = require('@particle/softap-setup');

const [protocol, host, port, ssid, password, security, claim] = process.argv.slice(2);
const sap = new SoftAPSetup({ protocol, host, port: Number(port), timeout: 8000 });

function step(name, fn) {
	return new Promise((resolve, reject) => {
		try {
			fn((err, value) => (err ? reject(new Error(name + ': ' + err.message)) : resolve(value)));
		} catch (e) {
			reject(new Error(name + ': ' + e.message));
		}
	});
}

(async () => {
	const info = await step('device-id', (cb) => sap.deviceInfo(cb));
	await step('public-key', (cb) => sap.publicKey(cb));
	const scans = await step('scan-ap', (cb) => sap.scan(cb));
	await step('set', (cb) => sap.setClaimCode(claim, cb));
	const conf = await step('configure-ap', (cb) => sap.configure({ ssid, security, password, channel: 6 }, cb));
	if (!conf || conf.r !== 0) throw new Error('configure-ap answered ' + JSON.stringify(conf));
	await step('connect-ap', (cb) => sap.connect(cb));
	console.log(JSON.stringify({ ok: true, id: info.id, claimed: info.claimed, networks: scans.length }));
})().catch((e) => {
	console.log(JSON.stringify({ ok: false, error: e.message }));
	process.exitCode = 1;
});
