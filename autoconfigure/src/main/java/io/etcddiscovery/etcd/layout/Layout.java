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
package io.etcddiscovery.etcd.layout;

import java.util.Locale;

import org.jspecify.annotations.Nullable;

/**
 * The layouts of other registries this library reads and publishes besides its own.
 *
 * @author etcd-discovery authors
 */
public enum Layout {

	/**
	 * kitex-contrib/registry-etcd: {@code kitex/registry-etcd/<svc>/<host:port>} holding
	 * {@code {"network","address","weight","tags"}}.
	 */
	KITEX("kitex", "kitex/registry-etcd/"),

	/**
	 * hertz-contrib/registry's etcd registry: Kitex's layout under
	 * {@code hertz/registry-etcd/}.
	 */
	HERTZ("hertz", "hertz/registry-etcd/"),

	/**
	 * go-micro's etcd registry: {@code /micro/registry/<svc>/<node id>} holding a service
	 * with one node.
	 */
	GO_MICRO("go-micro", "/micro/registry/"),

	/**
	 * Kratos' contrib/registry/etcd: {@code /microservices/<name>/<id>} holding a service
	 * instance with endpoints such as {@code grpc://host:port}.
	 */
	KRATOS("kratos", "/microservices/"),

	/**
	 * go-zero's core/discov: {@code <key>/<int64 id>} holding a bare {@code host:port},
	 * the key chosen by the user per service.
	 */
	GO_ZERO("go-zero", null),

	/**
	 * go-kit's sd/etcdv3: a key under a prefix the user chooses per service, holding an
	 * address.
	 */
	GO_KIT("go-kit", null),

	/**
	 * Hand-written clientv3 code: {@code /services/<svc>/<id>} holding a bare
	 * {@code host:port}.
	 */
	PLAIN("plain", "/services/");

	/**
	 * The name of this library's own layout, as {@code /actuator/discovery} shows it.
	 */
	public static final String OWN = "etcd-discovery";

	private final String id;

	private final @Nullable String defaultPrefix;

	Layout(String id, @Nullable String defaultPrefix) {
		this.id = id;
		this.defaultPrefix = defaultPrefix;
	}

	/**
	 * Return the name of this layout as properties and the endpoint spell it, such as
	 * {@code go-micro}.
	 * @return the name
	 */
	public String id() {
		return this.id;
	}

	/**
	 * Return the prefix the framework writes under by default.
	 * @return the prefix, or {@code null} for the layouts whose keys the user chooses
	 */
	public @Nullable String defaultPrefix() {
		return this.defaultPrefix;
	}

	/**
	 * Return whether the user chooses the keys of each service (go-zero, go-kit).
	 * @return whether keys are configured per service
	 */
	public boolean hasKeysPerService() {
		return this.defaultPrefix == null;
	}

	/**
	 * Return the layout of a name.
	 * @param id the name, such as {@code go-micro}
	 * @return the layout, or {@code null} if there is none of that name
	 */
	public static @Nullable Layout of(String id) {
		for (Layout layout : values()) {
			if (layout.id.equals(id.toLowerCase(Locale.ROOT))) {
				return layout;
			}
		}
		return null;
	}

}
