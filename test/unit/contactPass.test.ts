import type { IDataObject } from 'n8n-workflow';

import { addContactData, classifyContactAnswer, ContactBatches, contactEndpointPass, contactWithEveryTier, type ContactAnswers, type ContactRunSettings } from '../../nodes/CrustdataPersonEnrich/contact/contactPass';
import type { InputOutcome } from '../../nodes/CrustdataPersonEnrich/results/resultMapping';
import type { ApiEntry, ContactSettings, ItemFailure } from '../../nodes/CrustdataPersonEnrich/types';
import { settingsWith } from './settingsFixture';
import { answer, error } from './transportFixtures';
import { fieldsTheContactPassNeeds } from '../../nodes/CrustdataPersonEnrich/planning/requestFields';

const url = (slug: string) => `https://www.linkedin.com/in/${slug}`;
const tiers: ContactSettings = { tiers: ['business_emails', 'phone_numbers'], verified: false };
const byUrl = settingsWith({ fields: ['basic_profile'], contact: tiers }) as ContactRunSettings;
const byEmail = { ...byUrl, identifierType: 'businessEmail' as const };

describe('ContactBatches', () => {
	it('feeds a batch as soon as it is full, each profile once, and the rest when closed', async () => {
		const batches = new ContactBatches(2);
		for (const slug of ['a', 'b', 'a', 'c']) batches.add(url(slug));
		expect(await batches.feed.next()).toEqual([url('a'), url('b')]);
		batches.close();
		expect(await batches.feed.next()).toEqual([url('c')]);
		expect(await batches.feed.next()).toBeUndefined();
		expect([...batches.asked]).toEqual([url('a'), url('b'), url('c')]);
	});
});

describe('contactEndpointPass', () => {
	it('asks for exactly the chosen tiers, and verified only when wanted', () => {
		const rateLimit = { requestsPerMinute: 15, source: 'test' };
		const pass = contactEndpointPass(new ContactBatches(25).feed, tiers, rateLimit);
		expect(pass.path).toBe('/person/contact/enrich');
		expect(pass.body([url('a')])).toEqual({
			professional_network_profile_urls: [url('a')],
			fields: ['contact.business_emails', 'contact.phone_numbers'],
		});
		expect(contactEndpointPass(new ContactBatches(25).feed, { ...tiers, verified: true }, rateLimit).body([url('a')])).toHaveProperty('verified', true);
	});
});

describe('classifyContactAnswer', () => {
	it('says the plan lacks contact data on a 403, and keeps out of credits as it is', () => {
		const denied = classifyContactAnswer(answer(403, error('permission_error', 'Your plan does not include /person/contact/enrich')), [url('a')]);
		expect(denied).toEqual({ kind: 'stop', failure: expect.objectContaining({ message: 'Your Crustdata plan has no contact data', httpCode: '403' }) });
		const noCredits = classifyContactAnswer(answer(402, error('insufficient_credits', 'Insufficient credits')), [url('a')]);
		expect(noCredits).toEqual({ kind: 'stop', failure: expect.objectContaining({ message: 'The Crustdata account is out of credits', endsRun: true }) });
	});
});

describe('contactWithEveryTier', () => {
	it('gives every chosen tier as a list, only those, and keeps the note on emails', () => {
		expect(contactWithEveryTier({ business_emails: [{ email: 'a@acme.io' }], websites: ['x'] }, tiers)).toEqual({
			business_emails: [{ email: 'a@acme.io' }],
			phone_numbers: [],
		});
		expect(contactWithEveryTier(undefined, tiers)).toEqual({ business_emails: [], phone_numbers: [] });
		expect(contactWithEveryTier({ business_emails: [], business_emails_message: 'No email passed verification' }, tiers)).toEqual({
			business_emails: [],
			phone_numbers: [],
			business_emails_message: 'No email passed verification',
		});
	});
});

describe('addContactData', () => {
	const match = (identifier: string, personData: IDataObject | null, itemIndex = 0): InputOutcome => ({
		itemIndex,
		identifier,
		results: [{ matched_on: identifier, match_status: personData ? 'matched' : 'not_found', person_data: personData }],
	});
	const contactEntry = (slug: string, contact: IDataObject): ApiEntry => ({
		matched_on: url(slug),
		matches: [{ confidence_score: 1, person_data: { contact } }],
	});
	const fromEndpoint = (entries: ApiEntry[], failures: Array<[string, ItemFailure]> = []): ContactAnswers => ({
		asked: new Set([...entries.map((entry) => entry.matched_on), ...failures.map(([key]) => key)]),
		answers: new Map(entries.map((entry) => [entry.matched_on, entry])),
		failures: new Map(failures),
	});
	const outOfCredits: ItemFailure = { source: 'api', message: 'The Crustdata account is out of credits', description: 'Top up' };
	const personData = (outcome: InputOutcome) => ('results' in outcome ? outcome.results[0].person_data : undefined);

	it('fills every chosen tier of contact data the profile endpoint served', () => {
		const [outcome] = addContactData([match(url('a'), { contact: { business_emails: [] } })], byUrl, true);
		expect(personData(outcome)).toEqual({ contact: { business_emails: [], phone_numbers: [] } });
	});

	it("merges the contact endpoint's answer into the right profile, and leaves no-matches alone", () => {
		const answers = fromEndpoint([contactEntry('b', { phone_numbers: ['+1'] }), contactEntry('a', { business_emails: [{ email: 'a@acme.io' }] })]);
		const merged = addContactData([match(url('a'), { basic_profile: {} }), match(url('nobody'), null), match(url('b'), {})], byUrl, true, answers);
		expect(merged.map(personData)).toEqual([
			{ basic_profile: {}, contact: { business_emails: [{ email: 'a@acme.io' }], phone_numbers: [] } },
			null,
			{ contact: { business_emails: [], phone_numbers: ['+1'] } },
		]);
	});

	it("finds an email lookup's contact data by the matched profile's URL", () => {
		const handles = { social_handles: { professional_network_identifier: { profile_url: 'https://linkedin.com/in/A/' } } };
		const [outcome] = addContactData([match('a@acme.io', handles)], byEmail, true, fromEndpoint([contactEntry('a', { phone_numbers: ['+1'] })]));
		expect(personData(outcome)).toMatchObject({ contact: { business_emails: [], phone_numbers: ['+1'] } });
	});

	it('fails only the contact part when the contact request failed, or the input when the node stops on errors', () => {
		const failed = fromEndpoint([], [[url('a'), outOfCredits]]);
		const [kept] = addContactData([match(url('a'), { basic_profile: {} })], byUrl, true, failed);
		expect(kept).toEqual({
			itemIndex: 0,
			identifier: url('a'),
			results: [
				{
					matched_on: url('a'),
					match_status: 'matched',
					person_data: { basic_profile: {} },
					contact_error: 'Could not get contact data: The Crustdata account is out of credits',
				},
			],
		});
		const [stopped] = addContactData([match(url('a'), { basic_profile: {} })], byUrl, false, failed);
		expect(stopped).toEqual({ itemIndex: 0, identifier: url('a'), failure: { ...outOfCredits, message: 'Could not get contact data: The Crustdata account is out of credits' } });
	});

	it('says so when an email match gives no profile URL to ask about', () => {
		const [outcome] = addContactData([match('a@acme.io', { basic_profile: {} })], byEmail, true, fromEndpoint([]));
		expect(outcome).toHaveProperty('results.0.contact_error', expect.stringMatching(/gave no profile URL/));
	});
});

describe('fieldsTheContactPassNeeds', () => {
	it('asks for the profile URL on email lookups, and the name when nothing but contact data is chosen', () => {
		expect(fieldsTheContactPassNeeds(byUrl)).toEqual([]);
		expect(fieldsTheContactPassNeeds({ ...byUrl, fields: [] })).toEqual(['basic_profile.name']);
		expect(fieldsTheContactPassNeeds({ ...byUrl, fields: [] }, true)).toEqual([]);
		expect(fieldsTheContactPassNeeds(byEmail)).toEqual(['social_handles.professional_network_identifier.profile_url']);
		expect(fieldsTheContactPassNeeds({ ...byEmail, fields: ['social_handles'] })).toEqual([]);
	});
});
