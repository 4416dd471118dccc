import { z } from "zod";
import { looseBool, looseId, looseList, looseNumber, looseText } from "../shared/fields";

/**
 * ZoomInfo contact shapes (providers.md §2.4): legacy Enterprise API records (camelCase,
 * `hasCanadianEmail: "false"` as a string, `phone: ""`, dates "1/5/2020 2:59 PM" / "06/27/2020" /
 * ISO) and GTM Data API `{id, type:"Contact", attributes:{…}}` records. Company data is either a
 * nested `company` object or flat `company*` output fields.
 */

const AltValue = z.array(z.looseObject({ value: looseText, source: looseText })).nullish();

export const ZoomInfoCompanySchema = z.looseObject({
  id: looseId,
  name: looseText,
  website: looseText,
  phone: looseText,
  street: looseText,
  city: looseText,
  state: looseText,
  zipCode: looseText,
  country: looseText,
  revenue: looseText,
  revenueNumeric: looseNumber,
  revenueRange: looseText,
  employeeCount: looseNumber,
  employees: looseNumber,
  employeeRange: looseText,
  primaryIndustry: z.union([looseList, looseText]),
  industry: looseText,
  industries: looseList,
  description: looseText,
  descriptionList: z.array(z.looseObject({ description: looseText })).nullish(),
  foundedYear: looseNumber,
  technologiesUsed: looseList,
  webTechnologies: looseList,
  technologies: looseList,
  keywordTags: looseList,
  buyingIntentTopics: looseList,
  companyGrowthRate: looseText,
  socialMediaUrls: z.array(z.looseObject({ type: looseText, url: looseText })).nullish(),
});

export const ZoomInfoContactSchema = z.looseObject({
  id: looseId,
  personId: looseId,
  firstName: looseText,
  middleName: looseText,
  lastName: looseText,
  fullName: looseText,
  email: looseText,
  emailAlt: AltValue,
  phone: looseText,
  directPhone: looseText,
  directPhoneNumber: looseText,
  directPhoneAlt: AltValue,
  mobilePhone: looseText,
  mobilePhoneAlt: AltValue,
  directPhoneDoNotCall: looseBool,
  mobilePhoneDoNotCall: looseBool,
  doNotCall: looseBool,
  doNotEmail: looseBool,
  jobTitle: looseText,
  managementLevel: z.union([looseList, looseText]),
  jobFunction: z.array(z.looseObject({ name: looseText, department: looseText })).nullish(),
  department: looseText,
  street: looseText,
  city: looseText,
  state: looseText,
  zipCode: looseText,
  country: looseText,
  personHasMoved: looseText,
  recentJobChange: looseBool,
  lastUpdatedDate: looseText,
  validDate: looseText,
  noticeProvidedDate: looseText,
  contactAccuracyScore: looseNumber,
  externalUrls: z.array(z.looseObject({ type: looseText, url: looseText })).nullish(),
  linkedInUrl: looseText,
  company: ZoomInfoCompanySchema.nullish(),
  // Flat legacy output fields (`outputFields` names), used when no `company` object is present.
  companyName: looseText,
  companyWebsite: looseText,
  companyPhone: looseText,
  companyCountry: looseText,
  companyEmployeeCount: looseNumber,
  companyRevenue: looseText,
});
export type ZoomInfoContact = z.infer<typeof ZoomInfoContactSchema>;

/** GTM JSON:API record. */
export const ZoomInfoGtmRecordSchema = z.looseObject({
  id: looseId,
  type: looseText,
  attributes: ZoomInfoContactSchema.nullish(),
  meta: z.looseObject({ matchStatus: looseText }).nullish(),
});
