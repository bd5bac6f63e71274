import { within, withoutPath } from '../../nodes/CrustdataPersonEnrich/fieldPaths';

describe('within', () => {
	it('holds for the section and the paths inside it, not for a longer name that starts the same', () => {
		expect(within('contact', 'contact')).toBe(true);
		expect(within('contact.business_emails', 'contact')).toBe(true);
		expect(within('contactless', 'contact')).toBe(false);
		expect(within('contact', 'contact.business_emails')).toBe(false);
	});
});

describe('withoutPath', () => {
	const url = 'https://www.linkedin.com/in/a';
	const handles = { professional_network_identifier: { profile_url: url }, twitter_identifier: { slug: 'a' } };

	it('takes out the value, and the objects that held only it', () => {
		const path = 'social_handles.professional_network_identifier.profile_url';
		expect(withoutPath({ basic_profile: { name: 'A' }, social_handles: handles }, path)).toEqual({
			basic_profile: { name: 'A' },
			social_handles: { twitter_identifier: { slug: 'a' } },
		});
		expect(withoutPath({ social_handles: { professional_network_identifier: { profile_url: url } } }, path)).toEqual({});
	});

	it('leaves data without the path as it is', () => {
		const data = { basic_profile: { name: 'A' } };
		expect(withoutPath(data, 'social_handles.professional_network_identifier.profile_url')).toBe(data);
		expect(withoutPath({ basic_profile: 'text' }, 'basic_profile.name')).toEqual({ basic_profile: 'text' });
		expect(withoutPath({ contact: { business_emails: [] }, basic_profile: {} }, 'contact')).toEqual({ basic_profile: {} });
	});
});
