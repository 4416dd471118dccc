import { z } from "zod";
import { looseBool, looseId, looseList, looseNumber, looseText } from "../shared/fields";

/**
 * The generic flat lead (the seed's `leadData`: first_name, last_name, email, company, title,
 * phone, website…), accepted for every source and for CSV-style imports. Both snake_case and the
 * seed's camelCase spellings are accepted; unknown keys are kept as extras.
 */
export const GenericLeadSchema = z.looseObject({
  id: looseId,
  external_id: looseId,
  first_name: looseText,
  firstName: looseText,
  last_name: looseText,
  lastName: looseText,
  full_name: looseText,
  name: looseText,
  email: looseText,
  title: looseText,
  job_title: looseText,
  jobTitle: looseText,
  phone: looseText,
  mobile: looseText,
  mobile_phone: looseText,
  company: looseText,
  company_name: looseText,
  companyName: looseText,
  website: looseText,
  company_phone: looseText,
  linkedin_url: looseText,
  linkedinUrl: looseText,
  industry: looseText,
  employee_count: looseNumber,
  employees: looseNumber,
  headcount: looseNumber,
  revenue: looseText,
  founded_year: looseNumber,
  country: looseText,
  city: looseText,
  state: looseText,
  address: looseText,
  seniority: looseText,
  management_level: looseText,
  department: looseText,
  technologies: z.union([looseList, looseText]),
  description: looseText,
  services_offered: looseText,
  do_not_contact: looseBool,
  doNotContact: looseBool,
  email_unsubscribed: looseBool,
});
export type GenericLead = z.infer<typeof GenericLeadSchema>;
