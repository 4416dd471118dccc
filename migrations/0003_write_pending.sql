ALTER TABLE `companies` ADD `write_pending` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `leads` ADD `write_pending` integer DEFAULT false NOT NULL;