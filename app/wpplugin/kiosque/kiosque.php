<?php
/**
 * Plugin Name:       Kiosque
 * Description:       “You may also like” under every post, and wherever you place it: the related articles your Kiosque server picks, in a widget your readers’ browsers load.
 * Version:           1.0.0
 * Requires at least: 6.1
 * Requires PHP:      8.0
 * Author:            Kiosque
 * License:           GPL-2.0-or-later
 * License URI:       https://www.gnu.org/licenses/gpl-2.0.html
 * Text Domain:       kiosque
 * Domain Path:       /languages
 *
 * The page only embeds: WordPress never asks the Kiosque server anything,
 * and reads nothing but its own options (autoloaded) on a page view.
 *
 * @package Kiosque
 */

defined( 'ABSPATH' ) || exit;

// The Kiosque server this copy was downloaded from: it writes its own
// address here when it serves the plugin.
define( 'KIOSQUE_DEFAULT_SERVER', 'https://widget.example' );

define( 'KIOSQUE_OPTION', 'kiosque_settings' );
define( 'KIOSQUE_FILE', __FILE__ );

require_once __DIR__ . '/includes/settings.php';
require_once __DIR__ . '/includes/snippet.php';
require_once __DIR__ . '/includes/class-kiosque-widget.php';

register_activation_hook( __FILE__, 'kiosque_activate' );

add_action( 'init', 'kiosque_load_textdomain', 1 );
add_action( 'init', 'kiosque_register_block' );
add_action( 'widgets_init', 'kiosque_register_widget' );
add_shortcode( 'kiosque', 'kiosque_shortcode' );
add_filter( 'the_content', 'kiosque_after_post', 20 );
add_action( 'wp_head', 'kiosque_reserve_height' );
add_filter( 'script_loader_tag', 'kiosque_async_loader', 10, 2 );

/**
 * Loads the plugin's translations (French, Arabic).
 */
function kiosque_load_textdomain() {
	load_plugin_textdomain( 'kiosque', false, dirname( plugin_basename( KIOSQUE_FILE ) ) . '/languages' );
}

/**
 * Registers the block "Kiosque" (block/block.json), rendered on the server
 * as the widget's snippet, and its editor script's translations.
 */
function kiosque_register_block() {
	register_block_type( __DIR__ . '/block', array( 'render_callback' => 'kiosque_render_block' ) );
	wp_set_script_translations( generate_block_asset_handle( 'kiosque/widget', 'editorScript' ), 'kiosque', __DIR__ . '/languages' );
}

/**
 * Registers the classic widget, for sidebars.
 */
function kiosque_register_widget() {
	register_widget( 'Kiosque_Widget' );
}
