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
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

import io.etcddiscovery.etcd.layout.GoKitCodec;
import io.etcddiscovery.etcd.layout.GoMicroCodec;
import io.etcddiscovery.etcd.layout.GoZeroCodec;
import io.etcddiscovery.etcd.layout.KitexCodec;
import io.etcddiscovery.etcd.layout.KratosCodec;
import io.etcddiscovery.etcd.layout.Layout;
import io.etcddiscovery.etcd.layout.LayoutCodec;
import io.etcddiscovery.etcd.layout.PlainCodec;

import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;

/**
 * The codecs of the layouts {@link LayoutsProperties} name, each with its prefix or its
 * keys.
 *
 * @author etcd-discovery authors
 */
final class LayoutCodecs {

	private LayoutCodecs() {
	}

	/**
	 * Return the codecs of some layouts.
	 * @param properties the properties
	 * @param layouts the layouts, duplicates ignored
	 * @param namespacePrefix the prefix of this library's own namespace, under which no
	 * layout may read or write (its keys would be read twice, or overwritten)
	 * @return the codecs
	 * @throws InvalidConfigurationPropertyValueException if a layout's prefix or key is
	 * under the namespace prefix
	 */
	static List<LayoutCodec> of(LayoutsProperties properties, List<Layout> layouts, String namespacePrefix) {
		List<LayoutCodec> codecs = new ArrayList<>();
		for (Layout layout : new LinkedHashSet<>(layouts)) {
			if (layout.hasKeysPerService()) {
				Map<String, String> keys = properties.keyed(layout).getKeys();
				keys.forEach((service, key) -> notUnder(LayoutsProperties.property(layout) + ".keys." + service, key,
						namespacePrefix));
				codecs.add((layout == Layout.GO_ZERO) ? new GoZeroCodec(keys) : new GoKitCodec(keys));
			}
			else {
				String prefix = properties.prefixed(layout).getPrefix();
				notUnder(LayoutsProperties.property(layout) + ".prefix", prefix, namespacePrefix);
				codecs.add(switch (layout) {
					case KITEX, HERTZ -> new KitexCodec(layout, prefix);
					case GO_MICRO -> new GoMicroCodec(prefix);
					case KRATOS -> new KratosCodec(prefix);
					default -> new PlainCodec(prefix);
				});
			}
		}
		return codecs;
	}

	private static void notUnder(String property, String prefix, String namespacePrefix) {
		String directory = prefix.endsWith("/") ? prefix : prefix + "/";
		if (directory.startsWith(namespacePrefix)) {
			throw new InvalidConfigurationPropertyValueException(property, prefix,
					"is under this application's own namespace '" + namespacePrefix
							+ "', whose keys this library reads and writes itself: choose a prefix outside it");
		}
	}

}
