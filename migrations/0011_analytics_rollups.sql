CREATE TABLE `import_rollups` (
	`minute` text NOT NULL,
	`source` text NOT NULL,
	`created` integer DEFAULT 0 NOT NULL,
	`updated` integer DEFAULT 0 NOT NULL,
	`preserved` integer DEFAULT 0 NOT NULL,
	`merged` integer DEFAULT 0 NOT NULL,
	`rejected` integer DEFAULT 0 NOT NULL,
	`suppressed` integer DEFAULT 0 NOT NULL,
	`failed` integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `import_rollups_pk` ON `import_rollups` (`minute`,`source`);--> statement-breakpoint
CREATE TABLE `request_rollups` (
	`minute` text NOT NULL,
	`route` text NOT NULL,
	`count` integer NOT NULL,
	`server_errors` integer NOT NULL,
	`client_errors` integer NOT NULL,
	`rate_limited` integer NOT NULL,
	`latency_ms_sum` integer NOT NULL,
	`bytes_in` integer NOT NULL,
	`b0` integer NOT NULL,
	`b1` integer NOT NULL,
	`b2` integer NOT NULL,
	`b3` integer NOT NULL,
	`b4` integer NOT NULL,
	`b5` integer NOT NULL,
	`b6` integer NOT NULL,
	`b7` integer NOT NULL,
	`b8` integer NOT NULL,
	`b9` integer NOT NULL,
	`b10` integer NOT NULL,
	`b11` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `request_rollups_pk` ON `request_rollups` (`minute`,`route`);