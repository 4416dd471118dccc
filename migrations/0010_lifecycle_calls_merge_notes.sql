CREATE TABLE `calls` (
	`id` text PRIMARY KEY NOT NULL,
	`lead_id` text NOT NULL,
	`stage` text NOT NULL,
	`status` text NOT NULL,
	`occurred_at` text NOT NULL,
	`direction` text NOT NULL,
	`dialled_number` text NOT NULL,
	`duration_seconds` integer NOT NULL,
	`agent` text NOT NULL,
	`outcome` text NOT NULL,
	`next_action` text,
	`next_action_date` text,
	`notes` text,
	`halo_ticket_id` integer,
	`halo_action_id` integer,
	`transitions` text NOT NULL,
	`created_by` text NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL
);
--> statement-breakpoint
CREATE INDEX `calls_lead_idx` ON `calls` (`lead_id`,`id`);--> statement-breakpoint
CREATE TABLE `merge_notes` (
	`lead_id` text PRIMARY KEY NOT NULL,
	`ticket_id` integer NOT NULL,
	`digest` text NOT NULL,
	`note` text NOT NULL,
	`state` text NOT NULL,
	`halo_action_id` integer,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
ALTER TABLE `leads` ADD `lifecycle` text;