<?php
/**
 * Removes the plugin's options when an administrator deletes it.
 *
 * @package Kiosque
 */

defined( 'WP_UNINSTALL_PLUGIN' ) || exit;

delete_option( 'kiosque_settings' );
// The classic widgets' settings.
delete_option( 'widget_kiosque' );
