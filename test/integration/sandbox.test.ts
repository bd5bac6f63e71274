import { checkSandbox } from '../sandbox/smoke';

// The sandbox's own self-check against the API notes, so that every switch the integration tests
// rely on is held to what Crustdata documents, on every run.
it('the sandbox passes its smoke check', async () => {
	await expect(checkSandbox()).resolves.toBeUndefined();
});
