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
import java.util.Set;

import io.etcddiscovery.etcd.layout.Layout;

import org.springframework.validation.Errors;
import org.springframework.validation.Validator;

/**
 * Checks {@link LayoutsProperties} when they are bound: prefixes and keys that can be
 * read and written, go-zero and go-kit with at least one key when they are used, and no
 * two layouts read under one another's prefix (their keys would be read twice).
 *
 * @author etcd-discovery authors
 */
final class LayoutsPropertiesValidator implements Validator {

	@Override
	public boolean supports(Class<?> type) {
		return LayoutsProperties.class.isAssignableFrom(type);
	}

	@Override
	public void validate(Object target, Errors errors) {
		LayoutsProperties properties = (LayoutsProperties) target;
		Set<Layout> used = new LinkedHashSet<>(properties.getRead());
		used.addAll(properties.getPublish());
		for (Layout layout : used) {
			if (layout.hasKeysPerService()) {
				keys(errors, layout, properties.keyed(layout).getKeys());
			}
			else {
				String prefix = properties.prefixed(layout).getPrefix();
				String field = fieldOf(layout) + ".prefix";
				if (prefix == null || prefix.isBlank() || prefix.equals("/")) {
					errors.rejectValue(field, "invalid",
							"must not be empty nor '/': set it to the prefix that " + layout.id()
									+ "'s registry writes under, or remove it for '" + layout.defaultPrefix() + "'");
				}
				else if (hasControlCharacters(prefix) || prefix.contains("//")) {
					errors.rejectValue(field, "invalid", "must not contain '//' nor control characters");
				}
			}
		}
		if (!errors.hasErrors()) {
			overlaps(properties, errors);
		}
	}

	private static void keys(Errors errors, Layout layout, Map<String, String> keys) {
		String field = fieldOf(layout) + ".keys";
		if (keys.isEmpty()) {
			errors.rejectValue(field, "missing",
					"must name at least one service when '" + layout.id() + "' is read or published: set '"
							+ LayoutsProperties.property(layout) + ".keys.<service>=" + example(layout)
							+ "', or remove '" + layout.id() + "' from 'discovery.layouts.read' and "
							+ "'discovery.layouts.publish'");
			return;
		}
		for (Map.Entry<String, String> entry : keys.entrySet()) {
			String service = entry.getKey();
			String key = (entry.getValue() != null) ? entry.getValue() : "";
			String serviceProblem = RegistrationPropertiesValidator.serviceNameProblem(service);
			String entryField = field + "[" + service + "]";
			if (serviceProblem != null) {
				errors.rejectValue(entryField, "invalid", "the service name " + serviceProblem);
			}
			else if (key.isBlank() || key.equals("/") || hasControlCharacters(key) || key.contains("//")
					|| !key.strip().equals(key)) {
				errors.rejectValue(entryField, "invalid", "must be a key such as '" + example(layout)
						+ "': not empty nor '/', without spaces around it, '//' or control characters");
			}
			else if (layout == Layout.GO_ZERO && key.endsWith("/")) {
				errors.rejectValue(entryField, "invalid",
						"must not end with '/': go-zero adds '/<id>' to its key, set it as go-zero's "
								+ "publisher and subscriber are given it, such as '" + example(layout) + "'");
			}
			else if (layout == Layout.GO_KIT && !key.endsWith("/")) {
				errors.rejectValue(entryField, "invalid",
						"must end with '/': without it the prefix also matches the keys of every service whose "
								+ "name starts the same, such as '" + key + "-v2/...'; set it to '" + key + "/'");
			}
		}
	}

	private static void overlaps(LayoutsProperties properties, Errors errors) {
		List<String[]> read = new ArrayList<>();
		for (Layout layout : new LinkedHashSet<>(properties.getRead())) {
			if (layout.hasKeysPerService()) {
				properties.keyed(layout)
					.getKeys()
					.forEach((service, key) -> read.add(new String[] { directory(key), layout.id(),
							fieldOf(layout) + ".keys[" + service + "]", key }));
			}
			else {
				String prefix = properties.prefixed(layout).getPrefix();
				read.add(new String[] { directory(prefix), layout.id(), fieldOf(layout) + ".prefix", prefix });
			}
		}
		for (int i = 0; i < read.size(); i++) {
			for (int j = 0; j < read.size(); j++) {
				String[] outer = read.get(i);
				String[] inner = read.get(j);
				if (i != j && inner[0].startsWith(outer[0]) && (i < j || !inner[0].equals(outer[0]))) {
					errors.rejectValue(inner[2], "overlap",
							"'" + inner[3] + "' (" + inner[1] + ") is under '" + outer[3] + "' (" + outer[1]
									+ "), which is read too, so its keys would be read twice: give the layouts "
									+ "prefixes that do not contain one another");
					return;
				}
			}
		}
	}

	private static String fieldOf(Layout layout) {
		return switch (layout) {
			case GO_MICRO -> "goMicro";
			case GO_ZERO -> "goZero";
			case GO_KIT -> "goKit";
			default -> layout.id();
		};
	}

	private static String example(Layout layout) {
		return (layout == Layout.GO_ZERO) ? "orders.rpc" : "/services/orders/";
	}

	private static String directory(String prefix) {
		return prefix.endsWith("/") ? prefix : prefix + "/";
	}

	private static boolean hasControlCharacters(String text) {
		return text.chars().anyMatch(Character::isISOControl);
	}

}
