CREATE TABLE `companies` (
	`id` text PRIMARY KEY NOT NULL,
	`company_key` text NOT NULL,
	`name` text,
	`domain` text,
	`halo_client_id` integer,
	`halo_site_id` integer,
	`written` text NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `companies_key_idx` ON `companies` (`company_key`);--> statement-breakpoint
CREATE TABLE `lead_lists` (
	`list_id` text NOT NULL,
	`lead_id` text NOT NULL,
	`added_at` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `lead_lists_pk` ON `lead_lists` (`list_id`,`lead_id`);--> statement-breakpoint
CREATE INDEX `lead_lists_lead_idx` ON `lead_lists` (`lead_id`);--> statement-breakpoint
CREATE TABLE `lead_sources` (
	`lead_id` text NOT NULL,
	`source` text NOT NULL,
	`record` text NOT NULL,
	`received_at` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `lead_sources_pk` ON `lead_sources` (`lead_id`,`source`);--> statement-breakpoint
CREATE TABLE `leads` (
	`id` text PRIMARY KEY NOT NULL,
	`dedup_key` text NOT NULL,
	`dedup_kind` text NOT NULL,
	`email` text,
	`full_name` text,
	`company_id` text,
	`company_name` text,
	`stage` text NOT NULL,
	`status` text NOT NULL,
	`quality_score` integer NOT NULL,
	`source` text NOT NULL,
	`sources` text NOT NULL,
	`lists` text NOT NULL,
	`halo_client_id` integer,
	`halo_site_id` integer,
	`halo_user_id` integer,
	`halo_ticket_id` integer,
	`canonical` text NOT NULL,
	`written` text NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `leads_dedup_idx` ON `leads` (`dedup_key`);--> statement-breakpoint
CREATE INDEX `leads_email_idx` ON `leads` (`email`);--> statement-breakpoint
CREATE INDEX `leads_status_idx` ON `leads` (`status`,`id`);--> statement-breakpoint
CREATE INDEX `leads_source_idx` ON `leads` (`source`,`id`);--> statement-breakpoint
CREATE INDEX `leads_ticket_idx` ON `leads` (`halo_ticket_id`);--> statement-breakpoint
CREATE INDEX `leads_user_idx` ON `leads` (`halo_user_id`);--> statement-breakpoint
CREATE TABLE `suppressions` (
	`id` text PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`value` text NOT NULL,
	`reason` text,
	`origin` text NOT NULL,
	`created_by` text NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `suppressions_value_idx` ON `suppressions` (`kind`,`value`);