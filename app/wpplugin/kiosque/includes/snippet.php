<?php
/**
 * The widget's snippet, as the README's "Embedding the widget" gives it: a
 * container with a fallback link, and the loader once per page. Every way
 * in (after every post, the block, the shortcode, the classic widget)
 * prints it through kiosque_widget_markup().
 *
 * @package Kiosque
 */

defined( 'ABSPATH' ) || exit;

/**
 * The widget's themes.
 *
 * @return string[]
 */
function kiosque_themes() {
	return array( 'light', 'dark', 'auto' );
}

/**
 * The widget's layouts.
 *
 * @return string[]
 */
function kiosque_layouts() {
	return array( 'both', 'cards', 'carousel' );
}

/**
 * Value, made plain, if it is one of allowed; else "" (the default), as
 * the loader does: a widget never fails for an option.
 *
 * @param mixed    $value   A value given.
 * @param string[] $allowed The values allowed.
 * @return string
 */
function kiosque_allowed( $value, $allowed ) {
	$value = strtolower( trim( (string) $value ) );
	return in_array( $value, $allowed, true ) ? $value : '';
}

/**
 * The options of a widget as given (shortcode attributes, a block's or a
 * widget's settings), kept if the widget takes them.
 *
 * @param array $given url, section, theme, layout, limit.
 * @return array
 */
function kiosque_clean_options( $given ) {
	$url   = trim( (string) ( $given['url'] ?? '' ) );
	$limit = trim( (string) ( $given['limit'] ?? '' ) );
	return array(
		'url'     => '' === $url ? '' : esc_url_raw( $url, array( 'http', 'https' ) ),
		'section' => sanitize_text_field( (string) ( $given['section'] ?? '' ) ),
		'theme'   => kiosque_allowed( $given['theme'] ?? '', kiosque_themes() ),
		'layout'  => kiosque_allowed( $given['layout'] ?? '', kiosque_layouts() ),
		'limit'   => ctype_digit( $limit ) && (int) $limit >= 1 ? (string) min( 12, (int) $limit ) : '',
	);
}

/**
 * The container of a widget, with its fallback link, and the loader
 * enqueued for the page.
 *
 * @param array  $options   Clean options (kiosque_clean_options).
 * @param string $placement The widget's place, for the publisher's insights.
 * @param string $href      Where the fallback link leads.
 * @param string $text      The fallback link's text.
 * @return string
 */
function kiosque_container( $options, $placement, $href, $text ) {
	$data = array(
		'url'       => $options['url'],
		'category'  => $options['section'],
		'theme'     => $options['theme'],
		'layout'    => $options['layout'],
		'limit'     => $options['limit'],
		'placement' => $placement,
	);
	$attributes = '';
	foreach ( $data as $name => $value ) {
		if ( '' !== $value ) {
			$attributes .= sprintf( ' data-%s="%s"', $name, 'url' === $name ? esc_url( $value ) : esc_attr( $value ) );
		}
	}
	kiosque_enqueue_loader();
	return sprintf( '<div class="kiosque-embed"%s><a href="%s">%s</a></div>', $attributes, esc_url( $href ), esc_html( $text ) );
}

/**
 * A widget named by its options (the block, the shortcode, the classic
 * widget). Its fallback links to the server's pages: the section's, or
 * the latest.
 *
 * @param array  $given     url, section, theme, layout, limit, unchecked.
 * @param string $placement The widget's place.
 * @return string
 */
function kiosque_widget_markup( $given, $placement ) {
	// The widget is the page's, not the post's: feeds and the REST API
	// (where Kiosque imports the post from) get the post without it.
	if ( ! kiosque_on_a_page() ) {
		return '';
	}
	$options = kiosque_clean_options( $given );
	$href    = kiosque_server() . '/';
	$text    = __( 'More articles', 'kiosque' );
	if ( '' !== $options['section'] ) {
		$href = add_query_arg( 'category', rawurlencode( $options['section'] ), $href );
		/* translators: %s: a section's name. */
		$text = sprintf( __( 'Latest in %s', 'kiosque' ), $options['section'] );
	}
	return kiosque_container( $options, $placement, $href, $text );
}

/**
 * Whether WordPress is making a page for a reader's browser: not a feed,
 * nor an answer of the REST API.
 *
 * @return bool
 */
function kiosque_on_a_page() {
	return ! is_feed() && ! ( defined( 'REST_REQUEST' ) && REST_REQUEST );
}

/**
 * Enqueues the loader once, in the footer, async: only pages that show a
 * widget load it.
 */
function kiosque_enqueue_loader() {
	// WordPress 6.3 and later read the strategy; 6.1 takes the array as
	// "in the footer", and kiosque_async_loader adds async.
	wp_enqueue_script( 'kiosque-loader', kiosque_server() . '/embed.js', array(), null, array( 'in_footer' => true, 'strategy' => 'async' ) );
}

/**
 * Makes the loader's script tag async where WordPress does not.
 *
 * @param string $tag    The script tag.
 * @param string $handle The script's handle.
 * @return string
 */
function kiosque_async_loader( $tag, $handle ) {
	if ( 'kiosque-loader' === $handle && ! preg_match( '/<script[^>]*\sasync[\s=>]/', $tag ) ) {
		$tag = str_replace( '<script ', '<script async ', $tag );
	}
	return $tag;
}

/**
 * The widget for the post, under the post's content: on a post's own
 * page, once, when the setting is on. Not in feeds, excerpts or the REST
 * API (where Kiosque imports the post from).
 *
 * @param string $content The post's content.
 * @return string
 */
function kiosque_after_post( $content ) {
	static $shown = array();
	if ( ! is_singular( 'post' ) || ! kiosque_on_a_page() || doing_filter( 'get_the_excerpt' ) ) {
		return $content;
	}
	$settings = kiosque_settings();
	$post     = get_post();
	// Not under a post's password form either: its content is not shown.
	if ( empty( $settings['after_post'] ) || ! $post || get_queried_object_id() !== $post->ID || isset( $shown[ $post->ID ] ) || post_password_required( $post ) ) {
		return $content;
	}
	$shown[ $post->ID ] = true;
	// The fallback: the post's section on this site (its terms are read
	// with the post already), else the home page.
	$href       = home_url( '/' );
	$text       = __( 'More articles', 'kiosque' );
	$categories = get_the_category( $post->ID );
	if ( ! empty( $categories ) ) {
		$href = get_category_link( $categories[0] );
		/* translators: %s: a section's name. */
		$text = sprintf( __( 'More in %s', 'kiosque' ), $categories[0]->name );
	}
	// The carousel alone: the other layouts feature the article itself,
	// which the reader has just read.
	$options = kiosque_clean_options(
		array(
			'url'    => get_permalink( $post ),
			'theme'  => $settings['theme'],
			'layout' => 'carousel',
		)
	);
	return $content . kiosque_container( $options, 'after-post', $href, $text );
}

/**
 * The height the widget after the post takes, reserved from the page's
 * first paint: the loader runs after it, and would push what follows
 * down. Until the loader says the widget is ready (or gave its place back
 * to the fallback link), and only where scripts run. About the carousel's
 * height from phones to desktops (396 to 439 px, measured on Twenty
 * Twenty-Three).
 */
function kiosque_reserve_height() {
	$settings = kiosque_settings();
	if ( ! empty( $settings['after_post'] ) && is_singular( 'post' ) ) {
		echo '<style id="kiosque-reserve">@media (scripting: enabled) { .kiosque-embed[data-placement="after-post"]:not([data-kiosque-state]) { min-height: 420px } }</style>' . "\n";
	}
}

/**
 * The shortcode [kiosque url="…" section="…" theme="…" layout="…" limit="…"].
 *
 * @param array|string $atts The shortcode's attributes.
 * @return string
 */
function kiosque_shortcode( $atts ) {
	$atts = shortcode_atts(
		array(
			'url'     => '',
			'section' => '',
			'theme'   => '',
			'layout'  => '',
			'limit'   => '',
		),
		$atts,
		'kiosque'
	);
	return kiosque_widget_markup( $atts, 'in-post' );
}

/**
 * The block "Kiosque", rendered on the server as the snippet.
 *
 * @param array $attributes The block's attributes (block.json).
 * @return string
 */
function kiosque_render_block( $attributes ) {
	return kiosque_widget_markup( is_array( $attributes ) ? $attributes : array(), 'in-post' );
}
