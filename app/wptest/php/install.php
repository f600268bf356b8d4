<?php
// wptest: makes the database and installs WordPress in it, as
// wp-admin/install.php does once its form is sent. Argument: the site's
// language (fr_FR).
$db = new mysqli('localhost', 'root', '', '', 0, getenv('KIOSQUE_WP_DB_SOCKET'));
$db->query('CREATE DATABASE wordpress CHARACTER SET utf8mb4');
$db->close();

define('WP_INSTALLING', true);
require ABSPATH . 'wp-load.php';
// No mail: there is no mail server, and no one to read it.
function wp_new_blog_notification() {}
require_once ABSPATH . 'wp-admin/includes/upgrade.php';
$installed = wp_install('Un blog', 'admin', 'admin@example.test', true, '', wp_generate_password(24), $argv[1]);
echo json_encode(array('user' => $installed['user_id'])), "\n";
