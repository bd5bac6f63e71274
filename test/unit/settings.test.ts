import type { IExecuteFunctions } from 'n8n-workflow';

import { UnreadableIdentifier } from '../../nodes/CrustdataPersonEnrich/planning/requestPlanning';
import { readIdentifiers, readSettings, requestedFields, splitContactFields } from '../../nodes/CrustdataPersonEnrich/settings';
import { settingsWith } from './settingsFixture';

/** Just enough of n8n's context for reading parameters. */
const contextWith = (parameters: Record<string, unknown>) =>
	({
		getNode: () => ({ name: 'Crustdata Person Enrich' }),
		getNodeParameter: (name: string, _itemIndex: number, fallback?: unknown) => parameters[name] ?? fallback,
	}) as unknown as IExecuteFunctions;

describe('readSettings', () => {
	it('gives the documented defaults', () => {
		const defaults = readSettings(contextWith({ operation: 'enrich', identifierType: 'profileUrl', fields: ['basic_profile', 'social_handles'] }));
		expect(defaults).toEqual(settingsWith({}));
	});

	it('passes every option through', () => {
		const settings = readSettings(
			contextWith({
				operation: 'enrich',
				identifierType: 'businessEmail',
				fields: ['experience'],
				minSimilarityScore: 0.7,
				options: {
					batchSize: 10,
					concurrency: 1,
					fieldPaths: 'basic_profile.name',
					maxRequestsPerMinute: 30,
					maxRetries: 2,
					onNoMatch: 'skip',
					preview: true,
					returnMatches: 'best',
					timeout: 5,
					maxCredits: 40,
					dryRun: true,
				},
			}),
		);
		expect(settings).toEqual(
			settingsWith({
				identifierType: 'businessEmail',
				fields: ['experience', 'basic_profile.name'],
				minSimilarityScore: 0.7,
				preview: true,
				onNoMatch: 'skip',
				returnMatches: 'best',
				batchSize: 10,
				pacing: { maxRequestsPerMinute: 30, concurrency: 1, maxRetries: 2, timeoutMs: 5_000 },
				maxCredits: 40,
				dryRun: true,
			}),
		);
	});

	it('keeps numbers from expressions within what the node can honour', () => {
		const { pacing } = readSettings(
			contextWith({ operation: 'enrich', fields: ['basic_profile'], options: { maxRequestsPerMinute: -5, concurrency: 25.5, maxRetries: -1, timeout: 0 } }),
		);
		expect(pacing).toEqual({ maxRequestsPerMinute: 0, concurrency: 10, maxRetries: 0, timeoutMs: 1_000 });
	});

	it('reads Max Credits as a number or numeric text, and refuses a value that is not a cap rather than lift the cap', () => {
		const capOf = (options: object) => readSettings(contextWith({ operation: 'enrich', fields: ['basic_profile'], options })).maxCredits;
		expect(capOf({})).toBe(0);
		expect(capOf({ maxCredits: 30.5 })).toBe(30.5);
		expect(capOf({ maxCredits: '40' })).toBe(40);
		for (const maxCredits of [-3, '', 'ten', undefined, null, Number.NaN]) {
			expect(() => capOf({ maxCredits })).toThrow('Max Credits must be a number, 0 or more');
		}
		expect(() => capOf({ maxCredits: 'ten' })).toThrow(expect.objectContaining({ description: 'It is "ten": set it to 0 for no cap, or fix the expression that sets it' }));
		expect(() => capOf({ maxCredits: -3 })).toThrow(expect.objectContaining({ description: 'It is -3: set it to 0 for no cap, or fix the expression that sets it' }));
		expect(() => capOf({ maxCredits: undefined })).toThrow(expect.objectContaining({ description: 'It has no value: set it to 0 for no cap, or fix the expression that sets it' }));
	});

	it('looks up live enrich by profile URL and ignores the threshold outside email lookups', () => {
		const settings = readSettings(contextWith({ operation: 'enrichLive', identifierType: 'businessEmail', minSimilarityScore: 0.9, fields: ['basic_profile'] }));
		expect(settings).toMatchObject({ operation: 'enrichLive', identifierType: 'profileUrl', minSimilarityScore: 0 });
	});

	it('refuses an empty field list', () => {
		expect(() => readSettings(contextWith({ operation: 'enrich', fields: [] }))).toThrow('No fields are selected');
	});
});

describe('readSettings with batch jobs', () => {
	const batch = (options: object, extra: object = {}) =>
		readSettings(contextWith({ operation: 'enrichBatch', identifierType: 'businessEmail', fields: ['basic_profile'], minSimilarityScore: 0.8, options, ...extra }));

	it('reads Max Wait in minutes, decimals allowed, and leaves out what batch jobs do not take', () => {
		expect(batch({}).maxWaitMs).toBe(3_600_000);
		expect(batch({ maxWaitMinutes: 0.5, preview: true, returnMatches: 'best', requireEmployerDomainMatch: true })).toMatchObject({
			maxWaitMs: 30_000,
			preview: false,
			returnMatches: 'all',
			minSimilarityScore: 0,
			requireEmployerDomainMatch: true,
		});
	});

	it.each([0, -1, '', 'soon'])('refuses a Max Wait of %p before anything is sent', (maxWaitMinutes) => {
		expect(() => batch({ maxWaitMinutes })).toThrow('Max Wait (Minutes) must be more than 0');
	});

	it('takes contact data without Verified Emails Only, which batch jobs do not offer, and a dry run and a credit cap', () => {
		expect(batch({ verifiedEmailsOnly: true }, { fields: ['basic_profile', 'contact'], contactFields: ['phone_numbers'] }).contact).toEqual({
			tiers: ['phone_numbers'],
			verified: false,
		});
		expect(batch({ fieldPaths: 'contact.websites', preview: true }).contact).toEqual({ tiers: ['websites'], verified: false });
		expect(batch({ maxCredits: 10, dryRun: true })).toMatchObject({ maxCredits: 10, dryRun: true });
	});
});

describe('requestedFields', () => {
	it('adds each extra path once after the sections', () => {
		expect(requestedFields(['contact'], ' contact.phone_numbers, contact , ,basic_profile.summary')).toEqual({
			fields: ['contact', 'contact.phone_numbers', 'basic_profile.summary'],
			badPath: undefined,
		});
	});

	it.each(['salary', 'basic_profile..name', 'Basic_Profile.name', 'basic_profile.name[0]'])('names %p as a bad path', (path) => {
		expect(requestedFields([], path).badPath).toBe(path);
	});
});

describe('splitContactFields', () => {
	it('takes the tiers of Contact Fields for the Contact section, and a tier for its path', () => {
		expect(splitContactFields(['basic_profile', 'contact', 'contact.websites'], ['phone_numbers', 'business_emails'])).toEqual({
			fields: ['basic_profile'],
			tiers: ['business_emails', 'phone_numbers', 'websites'],
			badPath: undefined,
		});
		expect(splitContactFields(['experience', 'contact.personal_emails'], [])).toEqual({
			fields: ['experience'],
			tiers: ['personal_emails'],
			badPath: undefined,
		});
	});

	it('names a contact path that is not a tier', () => {
		expect(splitContactFields(['contact.fax_numbers'], []).badPath).toBe('contact.fax_numbers');
	});
});

describe('readSettings with Contact', () => {
	const withContact = (contactFields?: string[]) =>
		contextWith({ operation: 'enrich', identifierType: 'profileUrl', fields: ['basic_profile', 'contact'], contactFields });

	it('gets business emails by default', () => {
		expect(readSettings(withContact()).contact).toEqual({ tiers: ['business_emails'], verified: false });
	});

	it('reads the chosen tiers in Crustdata order, and Verified Emails Only', () => {
		const context = contextWith({
			operation: 'enrich',
			fields: ['contact'],
			contactFields: ['phone_numbers', 'business_emails'],
			options: { verifiedEmailsOnly: true },
		});
		expect(readSettings(context)).toMatchObject({ fields: [], contact: { tiers: ['business_emails', 'phone_numbers'], verified: true } });
	});

	it('refuses Contact without any contact field, and says what to do', () => {
		expect(() => readSettings(withContact([]))).toThrow('Contact is selected without any contact fields');
	});

	it("refuses Require Employer Domain Match in a preview, which returns no employers' domains", () => {
		const context = contextWith({
			operation: 'enrich',
			identifierType: 'businessEmail',
			fields: ['basic_profile'],
			options: { preview: true, requireEmployerDomainMatch: true },
		});
		expect(() => readSettings(context)).toThrow("Require Employer Domain Match can't be used with Preview");
	});

	it('fetches no contact data in a preview, which is free', () => {
		const preview = contextWith({ operation: 'enrich', fields: ['basic_profile', 'contact'], options: { preview: true } });
		expect(readSettings(preview)).toMatchObject({ fields: ['basic_profile'], contact: undefined });
	});

	it('asks for no contact data without Contact, whatever Contact Fields holds', () => {
		const settings = readSettings(contextWith({ operation: 'enrich', fields: ['basic_profile'], contactFields: ['phone_numbers'] }));
		expect(settings.contact).toBeUndefined();
	});
});

describe('readIdentifiers (security review)', () => {
	const expressionError = Object.assign(new Error("Can't get data for expression"), { description: "Execute node 'Sheet' for preview" });
	const context = {
		getNode: () => ({ name: 'Crustdata Person Enrich' }),
		getInputData: () => [{ json: {} }, { json: {} }, { json: {} }],
		getNodeParameter: (_name: string, itemIndex: number) => {
			if (itemIndex === 1) throw expressionError;
			return `linkedin.com/in/p${itemIndex}`;
		},
	} as unknown as IExecuteFunctions;

	it("under Continue, fails only the input whose expression throws, with the expression's own message", () => {
		const read = readIdentifiers(context, settingsWith({}), true);
		expect(read[0]).toBe('linkedin.com/in/p0');
		expect(read[2]).toBe('linkedin.com/in/p2');
		expect(read[1]).toEqual(
			new UnreadableIdentifier({ source: 'input', message: "Can't get data for expression", description: "Execute node 'Sheet' for preview" }),
		);
	});

	it('under Stop, throws the expression error as n8n would', () => {
		expect(() => readIdentifiers(context, settingsWith({}), false)).toThrow("Can't get data for expression");
	});
});
