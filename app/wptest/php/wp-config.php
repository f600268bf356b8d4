<?php
// wptest: a throwaway site. Its settings come from the environment the
// test starts PHP with.
define('DB_NAME', 'wordpress');
define('DB_USER', 'root');
define('DB_PASSWORD', '');
define('DB_HOST', 'localhost:' . getenv('KIOSQUE_WP_DB_SOCKET'));
define('DB_CHARSET', 'utf8mb4');
define('DB_COLLATE', '');
define('WP_HOME', getenv('KIOSQUE_WP_URL'));
define('WP_SITEURL', getenv('KIOSQUE_WP_URL'));
define('WP_CONTENT_DIR', ABSPATH . 'wp-content');
define('WP_CONTENT_URL', getenv('KIOSQUE_WP_URL') . '/wp-content');
// No background requests of its own (cron, updates), and errors to a
// log the test shows when it fails.
define('DISABLE_WP_CRON', true);
define('AUTOMATIC_UPDATER_DISABLED', true);
define('WP_AUTO_UPDATE_CORE', false);
define('WP_DEBUG', true);
define('WP_DEBUG_DISPLAY', false);
define('WP_DEBUG_LOG', getenv('KIOSQUE_WP_LOG'));
foreach (array('AUTH_KEY', 'SECURE_AUTH_KEY', 'LOGGED_IN_KEY', 'NONCE_KEY', 'AUTH_SALT', 'SECURE_AUTH_SALT', 'LOGGED_IN_SALT', 'NONCE_SALT') as $name) {
	define($name, 'wptest ' . $name);
}
$table_prefix = 'wp_';
require_once ABSPATH . 'wp-settings.php';
