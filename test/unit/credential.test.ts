import { baseUrlRefusal, insecureUrlReason } from '../../credentials/baseUrl';
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

describe('what the credential adds to every request that carries the key (security review)', () => {
	it('never lets a request follow a redirect, nor send the key on to another origin', async () => {
		const options = await credential.authenticate(credentials, { url: 'https://api.crustdata.com/person/enrich' });
		expect(options).toMatchObject({ disableFollowRedirect: true, sendCredentialsOnCrossOriginRedirect: false });
	});

	it("turns the request's timeout into a deadline for the whole answer", async () => {
		const options = await credential.authenticate(credentials, { url: 'https://api.crustdata.com/person/enrich', timeout: 30 });
		const signal = options.abortSignal as AbortSignal;
		expect(signal.aborted).toBe(false);
		await new Promise((resolve) => signal.addEventListener('abort', resolve));
		expect(signal.aborted).toBe(true);
	});

	it("keeps the execution's cancel signal, which n8n puts in place of any other", async () => {
		const execution = new AbortController();
		const options = await credential.authenticate(credentials, {
			url: 'https://api.crustdata.com/person/enrich',
			timeout: 60_000,
			abortSignal: execution.signal,
		});
		execution.abort();
		expect((options.abortSignal as AbortSignal).aborted).toBe(true);
		const untimed = await credential.authenticate(credentials, { url: 'https://api.crustdata.com/account/credits', abortSignal: execution.signal });
		expect(untimed.abortSignal).toBe(execution.signal);
	});

	it.each([
		['https://api.crustdata.com?x=1', 'a query string'],
		['https://api.crustdata.com/#top', 'a fragment'],
		['https://user:pass@api.crustdata.com', 'a user name or password'],
	])('refuses a Base URL with %p, as it contains %s', async (baseURL, what) => {
		await expect(credential.authenticate(credentials, { url: '/account/credits', baseURL })).rejects.toThrow(
			`The credential's Base URL can't be used: it contains ${what}`,
		);
		expect(baseUrlRefusal(baseURL)?.description).toContain('e.g. https://api.crustdata.com');
	});

	it('accepts a Base URL with a path, which a proxy in front of Crustdata may need', () => {
		expect(baseUrlRefusal('https://proxy.example.com/crustdata')).toBeUndefined();
	});
});
