/*
 * The character-device registry: (major, minor) to file_ops and private
 * data, a list searched when a device node is opened. Entries stay for the
 * kernel's lifetime (drivers do not unload).
 */
#include <ferrite/errno.h>
#include <ferrite/fs.h>
#include <ferrite/slab.h>
#include <ferrite/string.h>

struct chrdev {
	unsigned int dev;			/* [I] MKDEV(major, minor) */
	const struct file_ops *ops;		/* [I] */
	void *private_data;			/* [I] */
	char name[32];				/* [I] */
	struct list_head node;			/* [chrdev_lock] */
};

static LIST_HEAD(chrdevs);
static DEFINE_SPINLOCK(chrdev_lock);

static struct chrdev *find_locked(unsigned int dev)
{
	struct chrdev *c;

	list_for_each_entry(c, &chrdevs, node)
		if (c->dev == dev)
			return c;
	return NULL;
}

int chrdev_register(unsigned int major, unsigned int minor, const char *name,
		    const struct file_ops *ops, void *private_data)
{
	struct chrdev *c = kzalloc(sizeof(*c));
	int err = 0;

	if (!c)
		return -ENOMEM;
	c->dev = MKDEV(major, minor);
	c->ops = ops;
	c->private_data = private_data;
	strscpy(c->name, name ? name : "", sizeof(c->name));
	spin_lock(&chrdev_lock);
	if (find_locked(c->dev))
		err = -EBUSY;
	else
		list_add_tail(&c->node, &chrdevs);
	spin_unlock(&chrdev_lock);
	if (err)
		kfree(c);
	return err;
}

int chrdev_lookup(unsigned int dev, const struct file_ops **ops, void **private_data)
{
	struct chrdev *c;
	int err = -ENXIO;

	spin_lock(&chrdev_lock);
	c = find_locked(dev);
	if (c) {
		*ops = c->ops;
		*private_data = c->private_data;
		err = 0;
	}
	spin_unlock(&chrdev_lock);
	return err;
}
