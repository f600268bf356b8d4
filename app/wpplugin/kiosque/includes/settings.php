<?php
/**
 * The plugin's settings: one autoloaded option, a page under Settings
 * (the Settings API: options.php checks the capability and the nonce).
 *
 * @package Kiosque
 */

defined( 'ABSPATH' ) || exit;

add_action( 'admin_init', 'kiosque_register_settings' );
add_action( 'admin_menu', 'kiosque_add_settings_page' );
add_filter( 'plugin_action_links_' . plugin_basename( KIOSQUE_FILE ), 'kiosque_settings_link' );

/**
 * The settings a new site starts with.
 *
 * @return array
 */
function kiosque_defaults() {
	return array(
		'server'     => KIOSQUE_DEFAULT_SERVER,
		'after_post' => true,
		'theme'      => '',
	);
}

/**
 * The settings, saved or default. The option is autoloaded: reading it
 * costs no database query of its own.
 *
 * @return array
 */
function kiosque_settings() {
	$saved = get_option( KIOSQUE_OPTION );
	return array_merge( kiosque_defaults(), is_array( $saved ) ? $saved : array() );
}

/**
 * The Kiosque server's address, with no trailing slash.
 *
 * @return string
 */
function kiosque_server() {
	$settings = kiosque_settings();
	return untrailingslashit( (string) $settings['server'] );
}

/**
 * Saves the defaults on activation, autoloaded, so that no page view asks
 * the database for an option that is not there.
 */
function kiosque_activate() {
	add_option( KIOSQUE_OPTION, kiosque_defaults(), '', 'yes' );
}

/**
 * Registers the option, its section and its fields.
 */
function kiosque_register_settings() {
	// A site that got the plugin without its activation hook (copied in).
	if ( false === get_option( KIOSQUE_OPTION ) ) {
		kiosque_activate();
	}
	register_setting(
		'kiosque',
		KIOSQUE_OPTION,
		array(
			'type'              => 'array',
			'sanitize_callback' => 'kiosque_sanitize_settings',
			'default'           => kiosque_defaults(),
			'show_in_rest'      => false,
		)
	);
	add_settings_section( 'kiosque_main', __( 'Widget', 'kiosque' ), '__return_false', 'kiosque' );
	add_settings_field( 'kiosque_server', __( 'Kiosque server', 'kiosque' ), 'kiosque_field_server', 'kiosque', 'kiosque_main', array( 'label_for' => 'kiosque_server' ) );
	add_settings_field( 'kiosque_after_post', __( 'After every post', 'kiosque' ), 'kiosque_field_after_post', 'kiosque', 'kiosque_main', array( 'label_for' => 'kiosque_after_post' ) );
	add_settings_field( 'kiosque_theme', __( 'Theme', 'kiosque' ), 'kiosque_field_theme', 'kiosque', 'kiosque_main', array( 'label_for' => 'kiosque_theme' ) );
}

/**
 * Keeps what may be saved: an http or https address, a yes or no, a theme
 * the widget has. A wrong address keeps the one saved, and says why.
 *
 * @param mixed $input What the form sent.
 * @return array
 */
function kiosque_sanitize_settings( $input ) {
	$current = kiosque_settings();
	$input   = is_array( $input ) ? $input : array();
	$clean   = array(
		'server'     => $current['server'],
		'after_post' => ! empty( $input['after_post'] ),
		'theme'      => kiosque_allowed( $input['theme'] ?? '', kiosque_themes() ),
	);
	$server = trim( (string) ( $input['server'] ?? '' ) );
	$parts  = wp_parse_url( $server );
	if ( is_array( $parts ) && in_array( $parts['scheme'] ?? '', array( 'http', 'https' ), true ) && ! empty( $parts['host'] ) ) {
		$clean['server'] = untrailingslashit( esc_url_raw( $server, array( 'http', 'https' ) ) );
	} else {
		add_settings_error( KIOSQUE_OPTION, 'kiosque_server', __( 'The Kiosque server must be an http or https address, such as https://widget.example.', 'kiosque' ) );
	}
	return $clean;
}

/**
 * Adds the page under Settings, for those who may manage options.
 */
function kiosque_add_settings_page() {
	add_options_page( __( 'Kiosque', 'kiosque' ), __( 'Kiosque', 'kiosque' ), 'manage_options', 'kiosque', 'kiosque_settings_page' );
}

/**
 * Prints the settings page.
 */
function kiosque_settings_page() {
	if ( ! current_user_can( 'manage_options' ) ) {
		return;
	}
	?>
	<div class="wrap">
		<h1><?php echo esc_html( get_admin_page_title() ); ?></h1>
		<p><?php esc_html_e( 'Related articles from your Kiosque server: after every post, in a block, with the shortcode [kiosque], or as a widget in a sidebar. Your readers’ browsers load the widget; WordPress never asks the server anything.', 'kiosque' ); ?></p>
		<form action="options.php" method="post">
			<?php
			settings_fields( 'kiosque' );
			do_settings_sections( 'kiosque' );
			submit_button();
			?>
		</form>
	</div>
	<?php
}

/**
 * The field of the server's address.
 */
function kiosque_field_server() {
	$settings = kiosque_settings();
	printf(
		'<input type="url" class="regular-text code" id="kiosque_server" name="%s[server]" value="%s" required><p class="description">%s</p>',
		esc_attr( KIOSQUE_OPTION ),
		esc_attr( $settings['server'] ),
		esc_html__( 'The address of the Kiosque server that imports this site’s posts.', 'kiosque' )
	);
}

/**
 * The field that puts the widget after every post.
 */
function kiosque_field_after_post() {
	$settings = kiosque_settings();
	printf(
		'<label><input type="checkbox" id="kiosque_after_post" name="%s[after_post]" value="1"%s> %s</label>',
		esc_attr( KIOSQUE_OPTION ),
		checked( ! empty( $settings['after_post'] ), true, false ),
		esc_html__( 'Show “You may also like” under every post', 'kiosque' )
	);
}

/**
 * The field of the widget's theme.
 */
function kiosque_field_theme() {
	$settings = kiosque_settings();
	printf( '<select id="kiosque_theme" name="%s[theme]">', esc_attr( KIOSQUE_OPTION ) );
	foreach ( kiosque_theme_labels() as $value => $label ) {
		printf( '<option value="%s"%s>%s</option>', esc_attr( $value ), selected( $settings['theme'], $value, false ), esc_html( $label ) );
	}
	echo '</select>';
}

/**
 * The themes, named for a menu.
 *
 * @return array
 */
function kiosque_theme_labels() {
	return array(
		''      => __( 'The server’s default', 'kiosque' ),
		'light' => __( 'Light', 'kiosque' ),
		'dark'  => __( 'Dark', 'kiosque' ),
		'auto'  => __( 'The reader’s system’s', 'kiosque' ),
	);
}

/**
 * Adds "Settings" to the plugin's links in the list of plugins.
 *
 * @param array $links The plugin's links.
 * @return array
 */
function kiosque_settings_link( $links ) {
	$links[] = sprintf( '<a href="%s">%s</a>', esc_url( admin_url( 'options-general.php?page=kiosque' ) ), esc_html__( 'Settings', 'kiosque' ) );
	return $links;
}
