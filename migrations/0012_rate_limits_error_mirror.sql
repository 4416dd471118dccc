ALTER TABLE `api_keys` ADD `rate_limits` text;--> statement-breakpoint
ALTER TABLE `error_log` ADD `halo_mirrored_at` text;