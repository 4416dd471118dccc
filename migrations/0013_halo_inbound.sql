CREATE TABLE `halo_webhook_deliveries` (
	`delivery_id` text NOT NULL,
	`event` text NOT NULL,
	`object_id` integer,
	`received_at` text NOT NULL,
	`processed_at` text,
	`outcome` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `halo_webhook_deliveries_id_idx` ON `halo_webhook_deliveries` (`delivery_id`);--> statement-breakpoint
CREATE INDEX `halo_webhook_deliveries_received_idx` ON `halo_webhook_deliveries` (`received_at`);--> statement-breakpoint
ALTER TABLE `leads` ADD `halo_seen` text;