import { onlyFields, within, withoutPath } from '../../nodes/CrustdataPersonEnrich/planning/fieldPaths';
import { PERSON_DATA_SECTIONS } from '../../nodes/CrustdataPersonEnrich/vocabulary';

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

	it('takes the field out of every element of a list on the way, and the list when nothing else was in it', () => {
		const path = 'experience.employment_details.current.company_website_domain';
		const jobs = (...current: object[]) => ({ experience: { employment_details: { current, past: [] } } });
		expect(withoutPath(jobs({ company_website_domain: 'acme.io' }, { company_website_domain: 'side.io' }), path)).toEqual({
			experience: { employment_details: { past: [] } },
		});
		expect(withoutPath({ experience: { employment_details: { current: [{ company_website_domain: 'acme.io' }] } } }, path)).toEqual({});
		expect(withoutPath(jobs({ name: 'Acme', company_website_domain: 'acme.io' }), path)).toEqual(jobs({ name: 'Acme' }));
		expect(withoutPath(jobs(), path)).toEqual({ experience: { employment_details: { past: [] } } });
	});

	it('keeps every level a kept field lies under, even when only an empty list is left', () => {
		const path = 'experience.employment_details.current.company_website_domain';
		const unemployed = { experience: { employment_details: { current: [] } } };
		expect(withoutPath(unemployed, path, ['experience.employment_details.current.title'])).toEqual(unemployed);
		expect(withoutPath(unemployed, path, ['basic_profile'])).toEqual({});
	});

	it('leaves data without the path as it is', () => {
		const data = { basic_profile: { name: 'A' } };
		expect(withoutPath(data, 'social_handles.professional_network_identifier.profile_url')).toBe(data);
		expect(withoutPath({ basic_profile: 'text' }, 'basic_profile.name')).toEqual({ basic_profile: 'text' });
		expect(withoutPath({ contact: { business_emails: [] }, basic_profile: {} }, 'contact')).toEqual({ basic_profile: {} });
	});
});

describe('onlyFields', () => {
	const data = {
		crustdata_person_id: 7,
		basic_profile: { name: 'Ada', summary: 'Maths', location: { city: 'London', country: 'UK' } },
		social_handles: { x: 'ada' },
		experience: { employment_details: { current: [{ title: 'Analyst', company_website_domain: 'acme.io' }, { title: 'Author' }] } },
	};

	it('keeps whole sections asked for and drops the others, keeping keys that are no section', () => {
		expect(onlyFields(data, ['experience'], PERSON_DATA_SECTIONS)).toEqual({ crustdata_person_id: 7, experience: data.experience });
	});

	it('keeps only the paths asked for inside a section, in every element of a list', () => {
		expect(onlyFields(data, ['basic_profile.location.city', 'experience.employment_details.current.title'], PERSON_DATA_SECTIONS)).toEqual({
			crustdata_person_id: 7,
			basic_profile: { location: { city: 'London' } },
			experience: { employment_details: { current: [{ title: 'Analyst' }, { title: 'Author' }] } },
		});
	});

	it('lets a whole section win over a path inside it', () => {
		expect(onlyFields(data, ['basic_profile.name', 'basic_profile'], PERSON_DATA_SECTIONS).basic_profile).toEqual(data.basic_profile);
	});
});
