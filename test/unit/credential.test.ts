import { insecureUrlReason } from '../../credentials/baseUrl';
import { CrustdataEnrichApi } from '../../credentials/CrustdataEnrichApi.credentials';

const credential = new CrustdataEnrichApi();
const credentials = { apiKey: 'secret-key', apiVersion: '2025-11-01', baseUrl: 'https://api.crustdata.com' };

describe('credential crustdataEnrichApi', () => {
	it('has the contract names and defaults', () => {
		expect(credential.name).toBe('crustdataEnrichApi');
		expect(credential.displayName).toBe('Crustdata Enrich API');
		expect(credential.properties.map(({ name, type, default: value }) => [name, type, value])).toEqual([
			['apiKey', 'string', ''],
			['apiVersion', 'string', '2025-11-01'],
			['baseUrl', 'string', 'https://api.crustdata.com'],
		]);
		expect(credential.properties[0].typeOptions).toEqual({ password: true });
	});

	it('tests the key with GET {baseUrl}/account/credits', () => {
		expect(credential.test.request).toEqual({ baseURL: '={{$credentials.baseUrl}}', url: '/account/credits', method: 'GET' });
	});

	it('adds the bearer key and the API version', async () => {
		const options = await credential.authenticate(credentials, {
			url: 'https://api.crustdata.com/person/enrich',
			headers: { 'content-type': 'application/json' },
		});
		expect(options.headers).toEqual({
			'content-type': 'application/json',
			Authorization: 'Bearer secret-key',
			'x-api-version': '2025-11-01',
		});
	});

	it.each([
		['http://api.crustdata.com/person/enrich', undefined],
		['/account/credits', 'http://example.com'],
	])('refuses to attach the key to a clear-text URL (%p on %p)', async (url, baseURL) => {
		await expect(credential.authenticate(credentials, { url, baseURL })).rejects.toThrow(
			/Refusing to send the Crustdata API key: "http:\/\/(api\.crustdata|example)\.com" does not use https:\/\//,
		);
	});

	it.each(['http://127.0.0.1:8787', 'http://localhost:3000/', 'http://[::1]:9000'])('allows plain http to loopback %p', async (baseURL) => {
		const options = await credential.authenticate(credentials, { url: '/account/credits', baseURL });
		expect(options.headers).toHaveProperty('Authorization', 'Bearer secret-key');
	});
});

describe('insecureUrlReason', () => {
	it('says why a URL is not acceptable, never accepting look-alikes of loopback', () => {
		expect(insecureUrlReason('https://api.crustdata.com')).toBeUndefined();
		expect(insecureUrlReason('http://127.0.0.1.evil.io')).toContain('does not use https://');
		expect(insecureUrlReason('http://localhost.evil.io')).toContain('does not use https://');
		expect(insecureUrlReason('not a url')).toBe('"not a url" is not a valid URL');
	});
});
