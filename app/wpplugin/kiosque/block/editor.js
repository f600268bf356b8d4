// The block "Kiosque" in the editor: its options in the sidebar, and a
// placeholder in the post. The page shows the widget, rendered on the
// server (kiosque_render_block). Plain JavaScript: no build step.
( function ( wp ) {
	'use strict';
	var el = wp.element.createElement;
	var __ = wp.i18n.__;
	var blockEditor = wp.blockEditor;
	var components = wp.components;

	function edit( props ) {
		var a = props.attributes;
		function set( name ) {
			return function ( value ) {
				var change = {};
				change[ name ] = value;
				props.setAttributes( change );
			};
		}
		// choice is a select of an attribute among [value, label] pairs.
		function choice( label, name, pairs ) {
			var options = pairs.map( function ( p ) {
				return { value: p[ 0 ], label: p[ 1 ] };
			} );
			return el( components.SelectControl, { label: label, value: a[ name ], options: options, onChange: set( name ) } );
		}
		var what = a.url ? a.url : a.section ? __( 'Section:', 'kiosque' ) + ' ' + a.section : __( 'The latest articles', 'kiosque' );
		return el(
			'div',
			blockEditor.useBlockProps(),
			el(
				blockEditor.InspectorControls,
				null,
				el(
					components.PanelBody,
					{ title: __( 'Widget', 'kiosque' ) },
					el( components.TextControl, { type: 'url', label: __( 'Article URL', 'kiosque' ), help: __( 'Its permalink: the widget shows the articles related to it.', 'kiosque' ), value: a.url, onChange: set( 'url' ) } ),
					el( components.TextControl, { label: __( 'Section', 'kiosque' ), help: __( 'Without an article: the latest of this section.', 'kiosque' ), value: a.section, onChange: set( 'section' ) } ),
					choice( __( 'Theme', 'kiosque' ), 'theme', [
						[ '', __( 'The server’s default', 'kiosque' ) ], [ 'light', __( 'Light', 'kiosque' ) ],
						[ 'dark', __( 'Dark', 'kiosque' ) ], [ 'auto', __( 'The reader’s system’s', 'kiosque' ) ]
					] ),
					choice( __( 'Layout', 'kiosque' ), 'layout', [
						[ '', __( 'Default', 'kiosque' ) ], [ 'both', __( 'Featured and carousel', 'kiosque' ) ],
						[ 'cards', __( 'Cards', 'kiosque' ) ], [ 'carousel', __( 'Carousel', 'kiosque' ) ]
					] ),
					el( components.TextControl, { type: 'number', min: 1, max: 12, label: __( 'Number of articles', 'kiosque' ), value: a.limit, onChange: set( 'limit' ) } )
				)
			),
			el( components.Placeholder, { icon: 'excerpt-view', label: 'Kiosque', instructions: what } )
		);
	}

	wp.blocks.registerBlockType( 'kiosque/widget', {
		edit: edit,
		save: function () {
			return null;
		}
	} );
} )( window.wp );
