CREATE TABLE `halo_index_runs` (
	`id` text PRIMARY KEY NOT NULL,
	`status` text NOT NULL,
	`entity` text NOT NULL,
	`stage` text,
	`page` integer NOT NULL,
	`pass_read` integer DEFAULT 0 NOT NULL,
	`counts` text NOT NULL,
	`error` text,
	`created_by` text NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`updated_at` text NOT NULL,
	`finished_at` text
);
--> statement-breakpoint
CREATE INDEX `halo_index_runs_status_idx` ON `halo_index_runs` (`status`,`updated_at`);