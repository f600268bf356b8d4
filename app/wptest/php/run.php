<?php
// wptest: runs the PHP on standard input with WordPress loaded, as the
// site's administrator, with the functions of the admin's plugins screen;
// prints what it prints.
require ABSPATH . 'wp-load.php';
require_once ABSPATH . 'wp-admin/includes/plugin.php';
wp_set_current_user( 1 );
eval( file_get_contents( 'php://stdin' ) );
