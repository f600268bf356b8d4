<?php
/**
 * The classic widget, for a theme's sidebars.
 *
 * @package Kiosque
 */

defined( 'ABSPATH' ) || exit;

/**
 * Kiosque's widget in a sidebar: a title, and the widget's options.
 */
class Kiosque_Widget extends WP_Widget {

	/**
	 * The widget's fields, and their defaults.
	 *
	 * @var array
	 */
	private $fields = array(
		'title'   => '',
		'url'     => '',
		'section' => '',
		'theme'   => '',
		'layout'  => '',
		'limit'   => '',
	);

	/**
	 * Names the widget.
	 */
	public function __construct() {
		parent::__construct(
			'kiosque',
			__( 'Kiosque', 'kiosque' ),
			array(
				'description'           => __( 'Related articles from your Kiosque server.', 'kiosque' ),
				'show_instance_in_rest' => true,
			)
		);
	}

	/**
	 * Prints the widget.
	 *
	 * @param array $args     The sidebar's markup around widgets.
	 * @param array $instance The widget's settings.
	 */
	public function widget( $args, $instance ) {
		$instance = array_merge( $this->fields, is_array( $instance ) ? $instance : array() );
		$title    = apply_filters( 'widget_title', $instance['title'], $instance, $this->id_base );
		echo $args['before_widget']; // phpcs:ignore WordPress.Security.EscapeOutput -- the theme's markup.
		if ( '' !== $title ) {
			echo $args['before_title'] . esc_html( $title ) . $args['after_title']; // phpcs:ignore WordPress.Security.EscapeOutput -- the theme's markup.
		}
		echo kiosque_widget_markup( $instance, 'sidebar' ); // phpcs:ignore WordPress.Security.EscapeOutput -- escaped in kiosque_container.
		echo $args['after_widget']; // phpcs:ignore WordPress.Security.EscapeOutput -- the theme's markup.
	}

	/**
	 * Prints the widget's settings form.
	 *
	 * @param array $instance The widget's settings.
	 * @return string
	 */
	public function form( $instance ) {
		$instance = array_merge( $this->fields, is_array( $instance ) ? $instance : array() );
		$this->text_field( $instance, 'title', __( 'Title:', 'kiosque' ), 'text' );
		$this->text_field( $instance, 'url', __( 'Article URL (empty: the latest, or the section’s):', 'kiosque' ), 'url' );
		$this->text_field( $instance, 'section', __( 'Section:', 'kiosque' ), 'text' );
		$this->select_field( $instance, 'theme', __( 'Theme:', 'kiosque' ), kiosque_theme_labels() );
		$this->select_field(
			$instance,
			'layout',
			__( 'Layout:', 'kiosque' ),
			array(
				''         => __( 'Default', 'kiosque' ),
				'both'     => __( 'Featured and carousel', 'kiosque' ),
				'cards'    => __( 'Cards', 'kiosque' ),
				'carousel' => __( 'Carousel', 'kiosque' ),
			)
		);
		$this->text_field( $instance, 'limit', __( 'Number of articles (1 to 12):', 'kiosque' ), 'number' );
		return '';
	}

	/**
	 * Keeps the settings the widget takes.
	 *
	 * @param array $new_instance The settings sent.
	 * @param array $old_instance The settings before.
	 * @return array
	 */
	public function update( $new_instance, $old_instance ) {
		$clean          = kiosque_clean_options( is_array( $new_instance ) ? $new_instance : array() );
		$clean['title'] = sanitize_text_field( (string) ( $new_instance['title'] ?? '' ) );
		return $clean;
	}

	/**
	 * Prints a text field of the form.
	 *
	 * @param array  $instance The widget's settings.
	 * @param string $name     The field.
	 * @param string $label    Its label.
	 * @param string $type     The input's type.
	 */
	private function text_field( $instance, $name, $label, $type ) {
		printf(
			'<p><label for="%1$s">%2$s</label><input class="widefat" type="%3$s" id="%1$s" name="%4$s" value="%5$s"></p>',
			esc_attr( $this->get_field_id( $name ) ),
			esc_html( $label ),
			esc_attr( $type ),
			esc_attr( $this->get_field_name( $name ) ),
			esc_attr( $instance[ $name ] )
		);
	}

	/**
	 * Prints a menu of the form.
	 *
	 * @param array  $instance The widget's settings.
	 * @param string $name     The field.
	 * @param string $label    Its label.
	 * @param array  $choices  Value => label.
	 */
	private function select_field( $instance, $name, $label, $choices ) {
		printf( '<p><label for="%1$s">%2$s</label><select class="widefat" id="%1$s" name="%3$s">', esc_attr( $this->get_field_id( $name ) ), esc_html( $label ), esc_attr( $this->get_field_name( $name ) ) );
		foreach ( $choices as $value => $text ) {
			printf( '<option value="%s"%s>%s</option>', esc_attr( $value ), selected( $instance[ $name ], $value, false ), esc_html( $text ) );
		}
		echo '</select></p>';
	}
}
