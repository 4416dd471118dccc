-- error_log levels are spelled error | warning | info; provider syncs used to write "warn".
UPDATE `error_log` SET `level` = 'warning' WHERE `level` = 'warn';
