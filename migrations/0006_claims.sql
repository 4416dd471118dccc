ALTER TABLE `companies` ADD `claim_token` text;--> statement-breakpoint
ALTER TABLE `companies` ADD `claim_expires_at` integer;--> statement-breakpoint
CREATE INDEX `companies_claim_idx` ON `companies` (`claim_token`);--> statement-breakpoint
ALTER TABLE `leads` ADD `claim_token` text;--> statement-breakpoint
ALTER TABLE `leads` ADD `claim_expires_at` integer;--> statement-breakpoint
CREATE INDEX `leads_claim_idx` ON `leads` (`claim_token`);