'use strict';
// A self-signed certificate for 127.0.0.1 and localhost, for the sandbox's and the key trap's
// `tls` option: a TLS server no client trusts unless told to (rejectUnauthorized: false), which
// is what a test of certificate checks needs. Generated once per process (RSA key generation
// takes a noticeable moment) with the dev dependency `selfsigned`, whose API is async only.
const { generate } = require('selfsigned');

let pending = null;

/** @returns {Promise<{ key: string, cert: string }>} the same PEM pair on every call */
function selfSignedCert() {
	if (!pending) {
		pending = generate([{ name: 'commonName', value: '127.0.0.1' }], {
			keySize: 2048,
			algorithm: 'sha256',
			extensions: [
				{ name: 'basicConstraints', cA: false },
				{ name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
				{ name: 'extKeyUsage', serverAuth: true },
				{
					name: 'subjectAltName',
					altNames: [
						{ type: 7, ip: '127.0.0.1' },
						{ type: 2, value: 'localhost' },
					],
				},
			],
		}).then(
			(pems) => ({ key: pems.private, cert: pems.cert }),
			(err) => {
				pending = null; // a failed generation is not memoised
				throw err;
			},
		);
	}
	// a fresh object each time, so a caller changing it does not change the others'
	return pending.then((pair) => ({ ...pair }));
}

module.exports = { selfSignedCert };
