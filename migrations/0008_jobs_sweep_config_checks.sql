CREATE TABLE `config_checks` (
	`id` integer PRIMARY KEY NOT NULL,
	`fingerprint` text NOT NULL,
	`config_version` integer NOT NULL,
	`state` text NOT NULL,
	`report` text NOT NULL,
	`checked_at` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `halo_lookups` (
	`base_url` text PRIMARY KEY NOT NULL,
	`lookups` text NOT NULL,
	`fetched_at` text NOT NULL
);
--> statement-breakpoint
ALTER TABLE `job_items` ADD `due_at` text;--> statement-breakpoint
CREATE INDEX `job_items_stalled_idx` ON `job_items` (`status`,`due_at`);--> statement-breakpoint
ALTER TABLE `jobs` ADD `last_error` text;