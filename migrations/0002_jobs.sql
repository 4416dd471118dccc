CREATE TABLE `job_items` (
	`job_id` text NOT NULL,
	`idx` integer NOT NULL,
	`chunk` integer NOT NULL,
	`input` text NOT NULL,
	`status` text NOT NULL,
	`action` text,
	`lead_id` text,
	`result` text,
	`error` text,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `job_items_pk` ON `job_items` (`job_id`,`idx`);--> statement-breakpoint
CREATE INDEX `job_items_chunk_idx` ON `job_items` (`job_id`,`chunk`);--> statement-breakpoint
CREATE INDEX `job_items_status_idx` ON `job_items` (`job_id`,`status`);--> statement-breakpoint
CREATE TABLE `jobs` (
	`id` text PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`source` text NOT NULL,
	`status` text NOT NULL,
	`total` integer NOT NULL,
	`chunks` integer NOT NULL,
	`options` text NOT NULL,
	`created_by` text NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`updated_at` text NOT NULL,
	`finished_at` text
);
--> statement-breakpoint
CREATE INDEX `jobs_created_idx` ON `jobs` (`id`);--> statement-breakpoint
CREATE TABLE `sync_cursors` (
	`provider` text NOT NULL,
	`search_id` text NOT NULL,
	`cursor` text NOT NULL,
	`status` text NOT NULL,
	`paused_until` text,
	`last_run_at` text,
	`last_error` text,
	`imported` integer DEFAULT 0 NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `sync_cursors_pk` ON `sync_cursors` (`provider`,`search_id`);