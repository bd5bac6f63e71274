import { buildRequestBody, normaliseBusinessEmail, normaliseProfileUrl, planRequests, UnreadableIdentifier } from '../../nodes/CrustdataPersonEnrich/planning/requestPlanning';
import type { EnrichSettings } from '../../nodes/CrustdataPersonEnrich/types';
import { settingsWith } from './settingsFixture';
import { profileRequestFields } from '../../nodes/CrustdataPersonEnrich/planning/requestFields';

describe('normaliseProfileUrl', () => {
	it.each([
		['https://www.linkedin.com/in/dvdhsu'],
		['http://www.linkedin.com/in/dvdhsu'],
		['https://linkedin.com/in/dvdhsu/'],
		['linkedin.com/in/dvdhsu'],
		['www.linkedin.com/in/dvdhsu'],
		['  https://uk.linkedin.com/in/dvdhsu  '],
		['HTTPS://WWW.LINKEDIN.COM/in/dvdhsu'],
		['https://www.linkedin.com/in/dvdhsu/?trk=public_profile'],
		['https://www.linkedin.com/in/dvdhsu#experience'],
		['https://m.linkedin.com/in/dvdhsu/details/experience/'],
	])('turns %p into the canonical URL', (raw) => {
		expect(normaliseProfileUrl(raw)).toEqual({ identifier: 'https://www.linkedin.com/in/dvdhsu' });
	});

	it('lowercases the slug, LinkedIn slugs being case-insensitive, and percent-encodes what a URL cannot carry', () => {
		expect(normaliseProfileUrl('linkedin.com/in/José-García')).toEqual({
			identifier: 'https://www.linkedin.com/in/jos%C3%A9-garc%C3%ADa',
		});
		expect(normaliseProfileUrl('https://www.linkedin.com/in/Jos%C3%A9-Garc%C3%ADa/')).toEqual(
			normaliseProfileUrl('https://www.linkedin.com/in/josé-garcía'),
		);
		expect(normaliseProfileUrl('https://www.linkedin.com/in/DvdHsu')).toEqual({ identifier: 'https://www.linkedin.com/in/dvdhsu' });
	});

	it.each([
		['', 'is empty'],
		['   ', 'is empty'],
		[undefined, 'is empty'],
		[null, 'is empty'],
		[42, 'must be text'],
		[['https://www.linkedin.com/in/a'], 'must be text'],
		['https://www.linkedin.com/company/retool', 'is not a LinkedIn profile URL'],
		['https://www.linkedin.com/pub/jane-doe/1/2/3', 'is not a LinkedIn profile URL'],
		['https://www.linkedin.com/in/', 'is not a LinkedIn profile URL'],
		['ACoAAAbcdEfGh123', 'is not a LinkedIn profile URL'],
		['https://evil-linkedin.com/in/dvdhsu', 'is not a LinkedIn profile URL'],
		['https://www.linkedin.com.evil.io/in/dvdhsu', 'is not a LinkedIn profile URL'],
		['ftp://www.linkedin.com/in/dvdhsu', 'is not a LinkedIn profile URL'],
	])('rejects %p locally with a message that says why', (raw, why) => {
		const normalised = normaliseProfileUrl(raw);
		expect(normalised).toHaveProperty('failure.source', 'input');
		expect(normalised).toHaveProperty('failure.message', expect.stringContaining(why));
		expect(normalised).toHaveProperty('failure.description', expect.stringMatching(/\S/));
	});
});

describe('normaliseBusinessEmail', () => {
	it('trims and lowercases', () => {
		expect(normaliseBusinessEmail('  Jane.Doe@ACME.io ')).toEqual({ identifier: 'jane.doe@acme.io' });
	});

	it.each(['', 'jane', 'jane@', '@acme.io', 'jane@acme', 'jane doe@acme.io', 'a@b@c.io'])('rejects %p', (raw) => {
		expect(normaliseBusinessEmail(raw)).toHaveProperty('failure.source', 'input');
	});
});

describe('planRequests', () => {
	it('sends each unique identifier once, in first-seen order, and remembers every input', () => {
		const plan = planRequests(
			[
				'linkedin.com/in/a',
				'https://www.linkedin.com/in/b/',
				'not a url',
				'https://uk.linkedin.com/in/a?trk=x',
				'https://www.linkedin.com/in/c',
			],
			'profileUrl',
			25,
		);
		expect(plan.batches).toEqual([
			['https://www.linkedin.com/in/a', 'https://www.linkedin.com/in/b', 'https://www.linkedin.com/in/c'],
		]);
		expect(plan.inputs.map(({ itemIndex, identifier }) => [itemIndex, identifier])).toEqual([
			[0, 'https://www.linkedin.com/in/a'],
			[1, 'https://www.linkedin.com/in/b'],
			[2, undefined],
			[3, 'https://www.linkedin.com/in/a'],
			[4, 'https://www.linkedin.com/in/c'],
		]);
		expect(plan.inputs[2].failure?.message).toContain('"not a url"');
	});

	it('cuts the unique identifiers into requests of at most the batch size', () => {
		const emails = Array.from({ length: 60 }, (_, i) => `person${i}@acme.io`);
		expect(planRequests(emails, 'businessEmail', 25).batches.map((batch) => batch.length)).toEqual([25, 25, 10]);
		expect(planRequests(emails, 'businessEmail', 7).batches.map((batch) => batch.length)).toEqual([
			7, 7, 7, 7, 7, 7, 7, 7, 4,
		]);
	});

	it('never exceeds 25 per request, whatever batch size it is given', () => {
		const emails = Array.from({ length: 30 }, (_, i) => `p${i}@acme.io`);
		expect(planRequests(emails, 'businessEmail', 100).batches.map((batch) => batch.length)).toEqual([25, 5]);
	});

	it('plans nothing to send when every input is rejected', () => {
		const plan = planRequests(['', 'x'], 'businessEmail', 25);
		expect(plan.batches).toEqual([]);
		expect(plan.inputs.every((input) => input.failure)).toBe(true);
	});
});

describe('profileRequestFields', () => {
	it("adds the employers' domains to email lookups that do not ask for them already", () => {
		const byEmail = settingsWith({ identifierType: 'businessEmail' });
		expect(profileRequestFields(byEmail)).toEqual(['basic_profile', 'social_handles', 'experience.employment_details.current.company_website_domain']);
		expect(profileRequestFields({ ...byEmail, fields: ['experience'] })).toEqual(['experience']);
		expect(profileRequestFields({ ...byEmail, fields: ['experience.employment_details.current'] })).toEqual(['experience.employment_details.current']);
		expect(profileRequestFields(settingsWith({}))).toEqual(['basic_profile', 'social_handles']);
	});
});

describe('buildRequestBody', () => {
	const urls = ['https://www.linkedin.com/in/a'];

	it('always names the fields, and sends profile URLs under their own key', () => {
		expect(buildRequestBody(urls, settingsWith({}))).toEqual({
			professional_network_profile_urls: urls,
			fields: ['basic_profile', 'social_handles'],
		});
	});

	it('adds the similarity threshold to email lookups only, and only when above 0', () => {
		const email: Partial<EnrichSettings> = { identifierType: 'businessEmail', minSimilarityScore: 0.8 };
		expect(buildRequestBody(['a@b.io'], settingsWith(email))).toEqual({
			business_emails: ['a@b.io'],
			fields: ['basic_profile', 'social_handles', 'experience.employment_details.current.company_website_domain'],
			min_similarity_score: 0.8,
		});
		expect(buildRequestBody(['a@b.io'], settingsWith({ ...email, minSimilarityScore: 0 }))).not.toHaveProperty(
			'min_similarity_score',
		);
		expect(buildRequestBody(urls, settingsWith({ minSimilarityScore: 0.8 }))).not.toHaveProperty(
			'min_similarity_score',
		);
	});

	it('sends preview only when asked', () => {
		expect(buildRequestBody(urls, settingsWith({ preview: true }))).toHaveProperty('preview', true);
		expect(buildRequestBody(urls, settingsWith({}))).not.toHaveProperty('preview');
	});
});

describe('identifiers from hostile or messy input (security review)', () => {
	it('strips invisible characters copied with a URL or an email, so they make no other lookup', () => {
		expect(normaliseProfileUrl('\u200Bhttps://www.linkedin.com/in/ada\u200D-love\u00ADlace\uFEFF')).toEqual({
			identifier: 'https://www.linkedin.com/in/ada-lovelace',
		});
		expect(normaliseBusinessEmail('\u2060ada@acme.com\u200E')).toEqual({ identifier: 'ada@acme.com' });
		expect(normaliseProfileUrl('\u200B\u200C')).toMatchObject({ failure: { message: 'The profile URL is empty' } });
	});

	it('refuses a slug with a malformed % escape instead of sending it as it is', () => {
		expect(normaliseProfileUrl('https://www.linkedin.com/in/ada%E0%A4%A')).toMatchObject({
			failure: { message: '"https://www.linkedin.com/in/ada%E0%A4%A" is not a LinkedIn profile URL: it has a malformed % escape' },
		});
	});

	it('looks a Unicode email domain and its punycode up once', () => {
		expect(normaliseBusinessEmail('Jürgen@Bücher.de')).toEqual({ identifier: 'jürgen@xn--bcher-kva.de' });
		expect(normaliseBusinessEmail('jürgen@xn--bcher-kva.de')).toEqual({ identifier: 'jürgen@xn--bcher-kva.de' });
		expect(normaliseBusinessEmail('ada@acme.com:80')).toMatchObject({ failure: { message: '"ada@acme.com:80" is not an email address' } });
	});

	it('quotes at most about 100 characters of a rejected identifier', () => {
		const huge = `https://example.com/${'x'.repeat(100_000)}`;
		const failure = 'failure' in normaliseProfileUrl(huge) ? (normaliseProfileUrl(huge) as { failure: { message: string } }).failure : undefined;
		expect(failure?.message).toBe(`"${huge.slice(0, 100)}…" is not a LinkedIn profile URL`);
		expect((normaliseBusinessEmail('y'.repeat(100_000)) as { failure: { message: string } }).failure.message.length).toBeLessThan(130);
	});

	it("fails an input whose expression could not be read with the expression's own error, and plans the others", () => {
		const failure = { source: 'input' as const, message: "Can't get data for expression", description: 'Check the Sheet node' };
		const plan = planRequests([new UnreadableIdentifier(failure), 'linkedin.com/in/ada'], 'profileUrl', 25);
		expect(plan.inputs).toEqual([
			{ itemIndex: 0, failure },
			{ itemIndex: 1, identifier: 'https://www.linkedin.com/in/ada' },
		]);
		expect(plan.batches).toEqual([['https://www.linkedin.com/in/ada']]);
	});
});
