/*
 * Copyright 2026 the etcd-discovery authors.
 *
 * Licensed under the Apache License, Version 2.0 (the "License");
 * you may not use this file except in compliance with the License.
 * You may obtain a copy of the License at
 *
 *      https://www.apache.org/licenses/LICENSE-2.0
 *
 * Unless required by applicable law or agreed to in writing, software
 * distributed under the License is distributed on an "AS IS" BASIS,
 * WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
 * See the License for the specific language governing permissions and
 * limitations under the License.
 */
package io.etcddiscovery.autoconfigure;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.etcddiscovery.etcd.layout.Layout;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.Errors;
import org.springframework.validation.Validator;

/**
 * Configuration properties under {@code discovery.layouts}: the etcd layouts of Go
 * frameworks' registries (Kitex, Hertz, go-micro, Kratos, go-zero, go-kit) and of
 * hand-written clientv3 code that this application reads beside its own, and those it
 * also publishes itself in.
 *
 * @author etcd-discovery authors
 */
@ConfigurationProperties("discovery.layouts")
public class LayoutsProperties implements Validator {

	private static final Validator VALIDATOR = new LayoutsPropertiesValidator();

	/**
	 * Layouts whose instances join this application's discovery beside its own: kitex,
	 * hertz, go-micro, kratos, go-zero, go-kit, plain.
	 */
	private List<Layout> read = new ArrayList<>();

	/**
	 * Layouts this instance is also published in, on its lease, while it is UP: kitex,
	 * hertz, go-micro, kratos, go-zero, go-kit, plain.
	 */
	private List<Layout> publish = new ArrayList<>();

	private final Prefixed kitex = Prefixed.of(Layout.KITEX);

	private final Prefixed hertz = Prefixed.of(Layout.HERTZ);

	private final Prefixed goMicro = Prefixed.of(Layout.GO_MICRO);

	private final Prefixed kratos = Prefixed.of(Layout.KRATOS);

	private final Prefixed plain = Prefixed.of(Layout.PLAIN);

	private final Keyed goZero = new Keyed();

	private final Keyed goKit = new Keyed();

	public List<Layout> getRead() {
		return this.read;
	}

	public void setRead(List<Layout> read) {
		this.read = read;
	}

	public List<Layout> getPublish() {
		return this.publish;
	}

	public void setPublish(List<Layout> publish) {
		this.publish = publish;
	}

	public Prefixed getKitex() {
		return this.kitex;
	}

	public Prefixed getHertz() {
		return this.hertz;
	}

	public Prefixed getGoMicro() {
		return this.goMicro;
	}

	public Prefixed getKratos() {
		return this.kratos;
	}

	public Prefixed getPlain() {
		return this.plain;
	}

	public Keyed getGoZero() {
		return this.goZero;
	}

	public Keyed getGoKit() {
		return this.goKit;
	}

	/**
	 * Return the settings of a layout whose prefix is fixed.
	 * @param layout the layout
	 * @return its settings, or {@code null} for go-zero and go-kit
	 */
	Prefixed prefixed(Layout layout) {
		return switch (layout) {
			case KITEX -> this.kitex;
			case HERTZ -> this.hertz;
			case GO_MICRO -> this.goMicro;
			case KRATOS -> this.kratos;
			case PLAIN -> this.plain;
			case GO_ZERO, GO_KIT -> throw new IllegalArgumentException(layout.id() + " has keys per service");
		};
	}

	/**
	 * Return the settings of a layout whose keys are chosen per service.
	 * @param layout go-zero or go-kit
	 * @return its settings
	 */
	Keyed keyed(Layout layout) {
		return switch (layout) {
			case GO_ZERO -> this.goZero;
			case GO_KIT -> this.goKit;
			default -> throw new IllegalArgumentException(layout.id() + " has a prefix");
		};
	}

	/**
	 * Return the property name of a layout's settings, such as
	 * {@code discovery.layouts.go-micro}.
	 * @param layout the layout
	 * @return the property name
	 */
	static String property(Layout layout) {
		return "discovery.layouts." + layout.id();
	}

	@Override
	public boolean supports(Class<?> type) {
		return VALIDATOR.supports(type);
	}

	/**
	 * Check, when the properties are bound, that every layout can be read and written.
	 * @param target the properties
	 * @param errors where problems are reported
	 */
	@Override
	public void validate(Object target, Errors errors) {
		VALIDATOR.validate(target, errors);
	}

	/**
	 * The settings of a layout whose key prefix is fixed by its framework.
	 */
	public static class Prefixed {

		/**
		 * Key prefix the framework's registry reads and writes under. Defaults to the
		 * framework's own: 'kitex/registry-etcd/', 'hertz/registry-etcd/',
		 * '/micro/registry/', '/microservices/', '/services/' (plain).
		 */
		private String prefix = "";

		static Prefixed of(Layout layout) {
			// A factory rather than a constructor argument, which the metadata processor
			// would take for a property.
			Prefixed prefixed = new Prefixed();
			prefixed.setPrefix(String.valueOf(layout.defaultPrefix()));
			return prefixed;
		}

		public String getPrefix() {
			return this.prefix;
		}

		public void setPrefix(String prefix) {
			this.prefix = prefix;
		}

	}

	/**
	 * The settings of a layout whose keys are chosen per service.
	 */
	public static class Keyed {

		/**
		 * Key of each service in this layout, by service name. go-zero: the key given to
		 * its publisher and subscriber, such as 'orders.rpc', under which it writes one
		 * key per instance; go-kit: the prefix its instancer watches, ending with '/',
		 * such as '/services/orders/'. A service without a key is neither read nor
		 * published.
		 */
		private Map<String, String> keys = new LinkedHashMap<>();

		public Map<String, String> getKeys() {
			return this.keys;
		}

		public void setKeys(Map<String, String> keys) {
			this.keys = keys;
		}

	}

}
