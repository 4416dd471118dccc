CREATE TABLE `provider_feedback` (
	`id` text PRIMARY KEY NOT NULL,
	`provider` text NOT NULL,
	`kind` text NOT NULL,
	`lead_id` text,
	`email` text,
	`detail` text NOT NULL,
	`created_at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `provider_feedback_provider_idx` ON `provider_feedback` (`provider`,`id`);--> statement-breakpoint
CREATE TABLE `provider_lookups` (
	`provider` text NOT NULL,
	`name` text NOT NULL,
	`value` text NOT NULL,
	`fetched_at` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `provider_lookups_pk` ON `provider_lookups` (`provider`,`name`);--> statement-breakpoint
CREATE TABLE `suppression_propagations` (
	`suppression_id` text NOT NULL,
	`target` text NOT NULL,
	`status` text NOT NULL,
	`detail` text,
	`attempts` integer DEFAULT 0 NOT NULL,
	`claim_token` text,
	`claim_expires_at` integer,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `suppression_propagations_pk` ON `suppression_propagations` (`suppression_id`,`target`);--> statement-breakpoint
CREATE INDEX `suppression_propagations_status_idx` ON `suppression_propagations` (`status`,`suppression_id`);